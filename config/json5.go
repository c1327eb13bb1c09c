package config

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parser reads JSON5 as Zenoh does: the grammar is that of the Rust json5 0.4.1 crate
// (spec.json5.org), plus, when bare is set, unquoted words in value position, read as strings.
type parser struct {
	src       string
	pos       int
	line      int32 // 1-based line of pos
	lineStart int   // offset of the first byte of the current line
	depth     int
	values    int
	bare      bool
}

// parseJSON5 parses one JSON5 value spanning all of src. The caller has checked the size.
func parseJSON5(src string, bare bool) (*node, error) {
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		p := &parser{src: src, line: 1}
		p.advanceTo(i)
		return nil, p.errorf("invalid UTF-8")
	}
	p := &parser{src: src, line: 1, bare: bare}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos == len(p.src) {
		return nil, p.errorf("empty document: a value is expected")
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		return nil, p.errorf("unexpected %s after the value", p.describeHere())
	}
	return n, nil
}

// errorf returns a syntax error at the current position.
func (p *parser) errorf(format string, args ...any) error {
	n := &node{line: p.line, col: int32(p.pos-p.lineStart) + 1}
	return errAt("", n, ErrSyntax, format, args...)
}

// describeHere names the character at pos for an error message.
func (p *parser) describeHere() string {
	if p.pos >= len(p.src) {
		return "end of document"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return "character " + strconv.QuoteRune(r)
}

// advanceTo moves pos to end, counting lines.
func (p *parser) advanceTo(end int) {
	for p.pos < end {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.pos++
			p.newLine()
		case c == '\r':
			p.pos++
			if p.pos < len(p.src) && p.src[p.pos] == '\n' {
				p.pos++
			}
			p.newLine()
		case c == 0xE2 && (strings.HasPrefix(p.src[p.pos:], "\u2028") || strings.HasPrefix(p.src[p.pos:], "\u2029")):
			p.pos += 3
			p.newLine()
		default:
			p.pos++
		}
	}
}

func (p *parser) newLine() {
	p.line++
	p.lineStart = p.pos
}

// isLineTerminator reports JSON5's LineTerminator.
func isLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029'
}

// isSpace reports JSON5's WhiteSpace and LineTerminator.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', ' ', '\u00a0', '\ufeff':
		return true
	}
	return isLineTerminator(r) || (r > 0x7f && unicode.Is(unicode.Zs, r))
}

// skipSpace skips white space and comments.
func (p *parser) skipSpace() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/' {
			end := p.pos + 2
			for end < len(p.src) {
				r, n := utf8.DecodeRuneInString(p.src[end:])
				if isLineTerminator(r) {
					break
				}
				end += n
			}
			p.advanceTo(end)
			continue
		}
		if c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*' {
			i := strings.Index(p.src[p.pos+2:], "*/")
			if i < 0 {
				return p.errorf("unterminated /* comment")
			}
			p.advanceTo(p.pos + 2 + i + 2)
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(p.src[p.pos:])
		}
		if !isSpace(r) {
			return nil
		}
		p.advanceTo(p.pos + n)
	}
	return nil
}

// value parses one value at pos (white space already skipped).
func (p *parser) value() (*node, error) {
	p.values++
	if p.values > MaxValues {
		return nil, errAt("", &node{line: p.line, col: int32(p.pos-p.lineStart) + 1}, ErrLimit,
			"more than MaxValues (%d) values in the document", MaxValues)
	}
	if p.pos >= len(p.src) {
		return nil, p.errorf("unexpected end of document: a value is expected")
	}
	start := &node{line: p.line, col: int32(p.pos-p.lineStart) + 1}
	c := p.src[p.pos]
	switch {
	case c == '{':
		return p.object(start)
	case c == '[':
		return p.array(start)
	case c == '"' || c == '\'':
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		start.kind, start.text = kindString, s
		return start, nil
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number(start)
	}
	w := p.word()
	if len(w) > MaxStringLength {
		return nil, errAt("", start, ErrLimit, "word longer than MaxStringLength (%d)", MaxStringLength)
	}
	switch w {
	case "":
		return nil, p.errorf("unexpected %s: a value is expected", p.describeHere())
	case "true", "false":
		start.kind, start.b = kindBool, w == "true"
	case "null":
		start.kind = kindNull
	case "Infinity", "NaN":
		start.kind, start.text = kindNumber, w
	default:
		if !p.bare {
			return nil, p.errorf("unexpected bare word %q: strings must be quoted", w)
		}
		start.kind, start.text, start.bare = kindString, w, true
	}
	p.advanceTo(p.pos + len(w))
	return start, nil
}

// word returns the bare word at pos without consuming it: an identifier start followed by
// identifier parts, '-' and '.'. Literals (true, null…) are words too.
func (p *parser) word() string {
	end := p.pos
	for end < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[end:])
		if end == p.pos {
			if !isIdentStart(r) {
				break
			}
		} else if !isIdentPart(r) && r != '-' && r != '.' {
			break
		}
		end += n
	}
	return p.src[p.pos:end]
}

// isIdentStart reports JSON5's IdentifierStart without escapes: a Unicode letter, '$' or '_'.
func isIdentStart(r rune) bool {
	return r == '$' || r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

// isIdentPart reports JSON5's IdentifierPart without escapes, as the Rust json5 crate reads it.
// Zenoh's reader has newer Unicode tables than Go's; the code points whose properties differ
// (found by trying every code point against Zenoh 1.10.2) are corrected here. Code points Go's
// tables do not know at all remain outside identifiers.
func isIdentPart(r rune) bool {
	switch r {
	case 0x1734, 0x1bf2, 0x1bf3, 0x11f41: // diacritics in Zenoh's tables
		return true
	case 0x1171e: // a spacing mark in Zenoh's tables
		return false
	}
	return isIdentStart(r) || unicode.In(r, unicode.Mn, unicode.Diacritic, unicode.Nd, unicode.Pc) ||
		r == '\u200c' || r == '\u200d'
}

// object parses an object; start holds its position.
func (p *parser) object(start *node) (*node, error) {
	if p.depth++; p.depth > MaxDepth {
		return nil, errAt("", start, ErrLimit, "nesting deeper than MaxDepth (%d)", MaxDepth)
	}
	defer func() { p.depth-- }()
	start.kind = kindObject
	p.advanceTo(p.pos + 1)
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.advanceTo(p.pos + 1)
		return start, nil
	}
	for {
		m := member{line: p.line, col: int32(p.pos-p.lineStart) + 1}
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		m.key = key
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errorf("unexpected %s after key %q: ':' is expected", p.describeHere(), key)
		}
		p.advanceTo(p.pos + 1)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if m.val, err = p.value(); err != nil {
			return nil, err
		}
		start.members = append(start.members, m)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.advanceTo(p.pos + 1)
			if err := p.skipSpace(); err != nil {
				return nil, err
			}
			if p.pos < len(p.src) && p.src[p.pos] == '}' {
				p.advanceTo(p.pos + 1)
				return start, nil
			}
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '}' {
			p.advanceTo(p.pos + 1)
			return start, nil
		}
		return nil, p.errorf("unexpected %s in object: ',' or '}' is expected", p.describeHere())
	}
}

// array parses an array; start holds its position.
func (p *parser) array(start *node) (*node, error) {
	if p.depth++; p.depth > MaxDepth {
		return nil, errAt("", start, ErrLimit, "nesting deeper than MaxDepth (%d)", MaxDepth)
	}
	defer func() { p.depth-- }()
	start.kind = kindArray
	p.advanceTo(p.pos + 1)
	if err := p.skipSpace(); err != nil {
		return nil, err
	}
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.advanceTo(p.pos + 1)
		return start, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		start.elems = append(start.elems, v)
		if err := p.skipSpace(); err != nil {
			return nil, err
		}
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.advanceTo(p.pos + 1)
			if err := p.skipSpace(); err != nil {
				return nil, err
			}
			if p.pos < len(p.src) && p.src[p.pos] == ']' {
				p.advanceTo(p.pos + 1)
				return start, nil
			}
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == ']' {
			p.advanceTo(p.pos + 1)
			return start, nil
		}
		return nil, p.errorf("unexpected %s in array: ',' or ']' is expected", p.describeHere())
	}
}

// key parses an object key: a quoted string or an identifier (with \uXXXX escapes).
func (p *parser) key() (string, error) {
	if p.pos < len(p.src) && (p.src[p.pos] == '"' || p.src[p.pos] == '\'') {
		return p.quoted()
	}
	var b strings.Builder
	u := utf16Joiner{}
	start := p.pos
	for p.pos < len(p.src) {
		if p.pos-start > MaxStringLength {
			return "", errAt("", &node{line: p.line, col: int32(start-p.lineStart) + 1}, ErrLimit,
				"key longer than MaxStringLength (%d)", MaxStringLength)
		}
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if r == '\\' {
			if !strings.HasPrefix(p.src[p.pos:], `\u`) {
				return "", p.errorf("invalid escape in key: only \\uXXXX is allowed")
			}
			p.advanceTo(p.pos + 2)
			cu, err := p.hex(4)
			if err != nil {
				return "", err
			}
			if err := u.unit(&b, cu); err != nil {
				return "", p.errorf("%s", err)
			}
			continue
		}
		ok := isIdentPart(r)
		if p.pos == start {
			ok = isIdentStart(r)
		}
		if !ok {
			break
		}
		if err := u.char(&b, r); err != nil {
			return "", p.errorf("%s", err)
		}
		p.advanceTo(p.pos + n)
	}
	if err := u.end(); err != nil {
		return "", p.errorf("%s", err)
	}
	if p.pos == start {
		return "", p.errorf("unexpected %s: a key (identifier or string) is expected", p.describeHere())
	}
	return b.String(), nil
}

// hex reads n hexadecimal digits at pos.
func (p *parser) hex(n int) (rune, error) {
	if p.pos+n > len(p.src) {
		return 0, p.errorf("%d hexadecimal digits are expected in escape", n)
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
	if err != nil || strings.ContainsAny(p.src[p.pos:p.pos+n], "+-_") {
		return 0, p.errorf("%d hexadecimal digits are expected in escape", n)
	}
	p.advanceTo(p.pos + n)
	return rune(v), nil
}

// utf16Joiner joins \uXXXX surrogate pairs as the Rust json5 crate does: a high surrogate must be
// followed at once by a \u escape of a low surrogate.
type utf16Joiner struct{ high rune }

func (u *utf16Joiner) unit(b *strings.Builder, cu rune) error {
	switch {
	case u.high != 0:
		if cu < 0xdc00 || cu > 0xdfff {
			return errStr("expecting unicode trail surrogate")
		}
		b.WriteRune(((u.high - 0xd800) << 10) + (cu - 0xdc00) + 0x10000)
		u.high = 0
	case cu >= 0xdc00 && cu <= 0xdfff:
		return errStr("unexpected unicode trail surrogate")
	case cu >= 0xd800 && cu <= 0xdbff:
		u.high = cu
	default:
		b.WriteRune(cu)
	}
	return nil
}

func (u *utf16Joiner) char(b *strings.Builder, r rune) error {
	if u.high != 0 {
		return errStr("expecting unicode trail surrogate")
	}
	b.WriteRune(r)
	return nil
}

func (u *utf16Joiner) end() error {
	if u.high != 0 {
		return errStr("missing unicode trail surrogate")
	}
	return nil
}

type errStr string

func (e errStr) Error() string { return string(e) }

// quoted parses a single- or double-quoted string at pos.
func (p *parser) quoted() (string, error) {
	q := p.src[p.pos]
	startLine, startCol := p.line, int32(p.pos-p.lineStart)+1
	start := p.pos
	p.advanceTo(p.pos + 1)
	var b strings.Builder
	u := utf16Joiner{}
	for {
		if p.pos-start > MaxStringLength {
			return "", errAt("", &node{line: startLine, col: startCol}, ErrLimit,
				"string longer than MaxStringLength (%d)", MaxStringLength)
		}
		if p.pos >= len(p.src) {
			return "", errAt("", &node{line: startLine, col: startCol}, ErrSyntax, "unterminated string")
		}
		c := p.src[p.pos]
		if c == q {
			p.advanceTo(p.pos + 1)
			if err := u.end(); err != nil {
				return "", p.errorf("%s", err)
			}
			return b.String(), nil
		}
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if isLineTerminator(r) {
			return "", p.errorf("line break in string (escape it, or end the line with '\\')")
		}
		if c != '\\' {
			if err := u.char(&b, r); err != nil {
				return "", p.errorf("%s", err)
			}
			p.advanceTo(p.pos + n)
			continue
		}
		p.advanceTo(p.pos + 1)
		if p.pos >= len(p.src) {
			continue // reported as unterminated
		}
		r, n = utf8.DecodeRuneInString(p.src[p.pos:])
		switch {
		case isLineTerminator(r): // line continuation; \r\n counts as one line terminator
			if r == '\r' && strings.HasPrefix(p.src[p.pos+1:], "\n") {
				n++
			}
			p.advanceTo(p.pos + n)
			continue
		case r == 'u':
			p.advanceTo(p.pos + 1)
			cu, err := p.hex(4)
			if err != nil {
				return "", err
			}
			if err := u.unit(&b, cu); err != nil {
				return "", p.errorf("%s", err)
			}
			continue
		case r == 'x':
			p.advanceTo(p.pos + 1)
			cu, err := p.hex(2)
			if err != nil {
				return "", err
			}
			if err := u.char(&b, cu); err != nil {
				return "", p.errorf("%s", err)
			}
			continue
		case r >= '1' && r <= '9':
			return "", p.errorf("invalid escape \\%c", r)
		}
		e := r // \0 is NUL; \q, \/ and other non-escape characters stand for themselves
		if r == '0' {
			e = 0
		} else if m, ok := simpleEscapes[r]; ok {
			e = m
		}
		if err := u.char(&b, e); err != nil {
			return "", p.errorf("%s", err)
		}
		p.advanceTo(p.pos + n)
	}
}

var simpleEscapes = map[rune]rune{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// number parses a number literal: sign, then hex, decimal, Infinity or NaN. Its text is kept.
func (p *parser) number(start *node) (*node, error) {
	s := p.src
	i := p.pos
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	digits := func(j int) int {
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j
	}
	isHex := func(c byte) bool {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	}
	switch {
	case strings.HasPrefix(s[i:], "Infinity"):
		i += len("Infinity")
	case strings.HasPrefix(s[i:], "NaN"):
		i += len("NaN")
	case i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]):
		i += 2
		for i < len(s) && isHex(s[i]) {
			i++
		}
	default:
		intEnd := i
		if i < len(s) && s[i] == '0' {
			intEnd = i + 1
		} else if i < len(s) && s[i] >= '1' && s[i] <= '9' {
			intEnd = digits(i)
		}
		hasInt := intEnd > i
		i = intEnd
		if i < len(s) && s[i] == '.' {
			fracEnd := digits(i + 1)
			if !hasInt && fracEnd == i+1 {
				return nil, p.errorf("invalid number: digits are expected after '.'")
			}
			i = fracEnd
		} else if !hasInt {
			return nil, p.errorf("invalid number")
		}
		if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			if e := digits(j); e > j {
				i = e
			}
		}
	}
	if i-p.pos > MaxStringLength {
		return nil, errAt("", start, ErrLimit, "number longer than MaxStringLength (%d)", MaxStringLength)
	}
	start.kind, start.text = kindNumber, s[p.pos:i]
	p.advanceTo(i)
	return start, nil
}
