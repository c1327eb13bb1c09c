package config

import (
	"math"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// nodeDecoder is implemented (on pointers) by types with their own JSON5 reading rules.
type nodeDecoder interface {
	decodeNode(d *decoder, n *node, path string) error
}

// nodeEncoder is implemented by types with their own JSON5 form.
type nodeEncoder interface {
	encodeNode() *node
}

// validator is implemented by structs with checks across their fields. key names the field at
// fault, or is empty for the struct as a whole.
type validator interface {
	validate() (key string, err error)
}

// decoder maps parsed nodes onto typed values, collecting warnings.
type decoder struct {
	warnings Warnings
	dropped  int
	strict   bool // unknown keys are errors (Insert, and trial reads)
}

// fieldOpts are the options of a `json5:"name,…"` struct tag.
type fieldOpts struct {
	null      bool // null keeps Zenoh's default (an Option with a default), or clears a nullable list
	anyNumber bool // numbers are read as Zenoh reads free-form numbers (mode-dependent values)
	hasMin    bool
	hasMax    bool
	min, max  int64
	enum      []string
	raw       rawKind
}

type fieldInfo struct {
	name  string
	index int
	opts  fieldOpts
}

type structInfo struct {
	fields []fieldInfo
	index  map[string]int
	hint   string // "expected one of …", for unknown keys
}

var structCache sync.Map // reflect.Type → *structInfo

func structFields(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{index: map[string]int{}}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag, ok := t.Field(i).Tag.Lookup("json5")
		if !ok {
			continue
		}
		parts := strings.Split(tag, ",")
		fi := fieldInfo{name: parts[0], index: i}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			switch k {
			case "null":
				fi.opts.null = true
			case "min":
				fi.opts.hasMin = true
				fi.opts.min, _ = strconv.ParseInt(v, 10, 64)
			case "max":
				fi.opts.hasMax = true
				fi.opts.max, _ = strconv.ParseInt(v, 10, 64)
			case "enum":
				fi.opts.enum = strings.Split(v, "|")
			case "raw":
				switch v {
				case "object":
					fi.opts.raw = rawObject
				case "array":
					fi.opts.raw = rawArray
				}
			}
		}
		si.index[fi.name] = len(si.fields)
		si.fields = append(si.fields, fi)
		names = append(names, fi.name)
	}
	si.hint = "expected one of " + strings.Join(names, ", ")
	structCache.Store(t, si)
	return si
}

var (
	rawType      = reflect.TypeOf(Raw(""))
	addrPortType = reflect.TypeOf(netip.AddrPort{})
	endpointType = reflect.TypeOf(EndPoint(""))
	groupType    = reflect.TypeOf(EndPointGroup{})
)

// maxShownPath bounds the key paths built while decoding, so that a long key does not make
// every value below it expensive. Longer paths are cut and end in "…".
const maxShownPath = 256

// joinPath returns path/key, cut to about maxShownPath bytes.
func joinPath(path, key string) string {
	if strings.HasSuffix(path, "…") {
		return path
	}
	sep := "/"
	if path == "" {
		sep = ""
	}
	if room := maxShownPath - len(path) - len(sep); len(key) > room {
		if room < 0 {
			room = 0
		}
		for room > 0 && !utf8.RuneStart(key[room]) {
			room--
		}
		return path + sep + key[:room] + "…"
	}
	return path + sep + key
}

// joinIndex returns path/i.
func joinIndex(path string, i int) string { return joinPath(path, itoa(i)) }

// warn records a warning, up to MaxWarnings.
func (d *decoder) warn(k WarningKind, path string, n *node, msg string) {
	if len(d.warnings) >= MaxWarnings {
		d.dropped++
		return
	}
	w := Warning{Kind: k, Path: path, Msg: msg}
	if n != nil {
		w.Line, w.Column = int(n.line), int(n.col)
	}
	d.warnings = append(d.warnings, w)
}

// adopt takes the warnings of a trial decoder whose result is kept.
func (d *decoder) adopt(o *decoder) {
	for _, w := range o.warnings {
		if len(d.warnings) >= MaxWarnings {
			d.dropped++
			continue
		}
		d.warnings = append(d.warnings, w)
	}
	d.dropped += o.dropped
}

// result returns the warnings, with a summary of the dropped ones.
func (d *decoder) result() Warnings {
	if d.dropped > 0 {
		d.warnings = append(d.warnings, Warning{Kind: WarnTruncated, Msg: itoa(d.dropped) + " more warnings not listed"})
	}
	return d.warnings
}

// unknownKey reports a key the schema does not know: a warning, or an error when strict.
func (d *decoder) unknownKey(path string, m *member, hint string) error {
	if !d.strict && len(d.warnings) >= MaxWarnings {
		d.dropped++ // do not build a message that will not be shown
		return nil
	}
	n := &node{line: m.line, col: m.col}
	if d.strict {
		return errAt(path, n, ErrUnknownKey, "unknown key %q (%s)", m.key, hint)
	}
	d.warn(WarnUnknownKey, path, n, "ignored ("+hint+"); Zenoh rejects most unknown keys")
	return nil
}

// bareWarn reports a bare word read as a string.
func (d *decoder) bareWarn(n *node, path string) {
	if n.bare {
		d.warn(WarnBareWord, path, n, "unquoted word read as the string "+quote(n.text)+"; Zenoh requires quotes")
	}
}

// str reads a string.
func (d *decoder) str(n *node, path string) (string, error) {
	if n.kind != kindString {
		return "", errAt(path, n, ErrType, "%s where a string is expected", n.describe())
	}
	d.bareWarn(n, path)
	return n.text, nil
}

// decodeValue reads n into the addressable v, following Zenoh's rules for v's type.
func (d *decoder) decodeValue(v reflect.Value, n *node, path string, o fieldOpts) error {
	if n.kind == kindNull {
		switch {
		case v.Kind() == reflect.Pointer, v.Kind() == reflect.Slice && o.null:
			v.SetZero()
			return nil
		case o.null:
			return nil
		case v.Type() == rawType && o.raw == rawAny:
			v.SetString("null")
			return nil
		}
		return errAt(path, n, ErrType, "null is not allowed here")
	}
	if dec, ok := v.Addr().Interface().(nodeDecoder); ok {
		return dec.decodeNode(d, n, path)
	}
	switch v.Type() {
	case rawType:
		r, err := d.decodeRaw(n, path, o.raw)
		if err == nil {
			v.SetString(string(r))
		}
		return err
	case addrPortType:
		s, err := d.str(n, path)
		if err != nil {
			return err
		}
		ap, err := parseSocketAddr(s)
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		v.Set(reflect.ValueOf(ap))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		return d.decodeStruct(v, n, path)
	case reflect.Bool:
		if n.kind != kindBool {
			return errAt(path, n, ErrType, "%s where true or false is expected", n.describe())
		}
		v.SetBool(n.b)
		return nil
	case reflect.String:
		s, err := d.str(n, path)
		if err != nil {
			return err
		}
		if o.enum != nil && !contains(o.enum, s) {
			return errAt(path, n, ErrValue, "unknown value %s: expected %s", quote(s), strings.Join(o.enum, ", "))
		}
		v.SetString(s)
		return nil
	case reflect.Int, reflect.Int64, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.decodeInt(v, n, path, o)
	case reflect.Float64:
		if n.kind != kindNumber {
			return errAt(path, n, ErrType, "%s where a number is expected", n.describe())
		}
		num, err := readAnyNumber(n.text)
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		f := num.f
		if num.isInt {
			f = float64(num.i)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errAt(path, n, ErrValue, "%s is not a finite number", n.text)
		}
		v.SetFloat(f)
		return nil
	case reflect.Slice:
		return d.decodeSlice(v, n, path, o)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		o.null = false
		if err := d.decodeValue(p.Elem(), n, path, o); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	return errAt(path, n, ErrType, "unsupported field type %s", v.Type())
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// decodeInt reads an integer field.
func (d *decoder) decodeInt(v reflect.Value, n *node, path string, o fieldOpts) error {
	if n.kind != kindNumber {
		return errAt(path, n, ErrType, "%s where a number is expected", n.describe())
	}
	switch v.Kind() {
	case reflect.Int64:
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if o.hasMin {
			lo = o.min
		}
		if o.hasMax {
			hi = o.max
		}
		var x int64
		var err error
		if o.anyNumber {
			if !isIntLiteral(n.text) {
				return errAt(path, n, ErrType, "%s where an integer is expected (Zenoh reads it as a float)", n.text)
			}
			if x, err = parseIntLiteral(n.text); err == nil && (x < lo || x > hi) {
				err = rangeErr(n.text, itoa64(lo), itoa64(hi))
			}
		} else {
			x, err = typedInt(n.text, lo, hi)
		}
		if err != nil {
			return errAt(path, n, ErrValue, "%s", err)
		}
		v.SetInt(x)
		return nil
	}
	var lo, hi uint64
	switch v.Kind() {
	case reflect.Int:
		hi = math.MaxInt64
	case reflect.Uint16:
		hi = math.MaxUint16
	case reflect.Uint32:
		hi = math.MaxUint32
	default:
		hi = math.MaxUint64
	}
	if o.hasMin && o.min > 0 {
		lo = uint64(o.min)
	}
	if o.hasMax && o.max >= 0 && uint64(o.max) < hi {
		hi = uint64(o.max)
	}
	x, err := typedUint(n.text, lo, hi)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	if v.Kind() == reflect.Int {
		v.SetInt(int64(x))
	} else {
		v.SetUint(x)
	}
	return nil
}

// decodeSlice reads a list. Empty lists are nil, except in nullable lists, where nil is null.
func (d *decoder) decodeSlice(v reflect.Value, n *node, path string, o fieldOpts) error {
	if n.kind != kindArray {
		return errAt(path, n, ErrType, "%s where a list is expected", n.describe())
	}
	et := v.Type().Elem()
	if (et == endpointType || et == groupType) && len(n.elems) > MaxEndpoints {
		return errAt(path, n, ErrLimit, "more than MaxEndpoints (%d) endpoints", MaxEndpoints)
	}
	if len(n.elems) == 0 && !o.null {
		v.SetZero()
		return nil
	}
	s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
	eo := fieldOpts{anyNumber: o.anyNumber, enum: o.enum}
	for i, e := range n.elems {
		if err := d.decodeValue(s.Index(i), e, joinIndex(path, i), eo); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// deprecatedKeys are keys Zenoh accepts and ignores; check validates the value as Zenoh does.
var deprecatedKeys = map[string]func(n *node) bool{
	"routing/peer": func(*node) bool { return true },
	"routing/router/peers_failover_brokering": func(n *node) bool {
		return n.kind == kindBool || n.kind == kindNull
	},
}

// decodeStruct reads an object into the struct v, which holds the defaults of the keys not given.
func (d *decoder) decodeStruct(v reflect.Value, n *node, path string) error {
	if n.kind != kindObject {
		if n.kind == kindArray {
			return errAt(path, n, ErrType, "an array where an object is expected (Zenoh's positional form is not supported)")
		}
		return errAt(path, n, ErrType, "%s where an object is expected", n.describe())
	}
	si := structFields(v.Type())
	seen := make([]bool, len(si.fields))
	for i := range n.members {
		m := &n.members[i]
		p := joinPath(path, m.key)
		fi, ok := si.index[m.key]
		if !ok {
			if check, dep := deprecatedKeys[p]; dep && !d.strict {
				if !check(m.val) {
					return errAt(p, m.val, ErrType, "%s where true, false or null is expected", m.val.describe())
				}
				d.warn(WarnDeprecated, p, &node{line: m.line, col: m.col}, "deprecated by Zenoh and ignored")
				continue
			}
			if err := d.unknownKey(p, m, si.hint); err != nil {
				return err
			}
			continue
		}
		if seen[fi] {
			return errAt(p, &node{line: m.line, col: m.col}, ErrDuplicateKey, "key %q given twice", m.key)
		}
		seen[fi] = true
		f := si.fields[fi]
		if err := d.decodeValue(v.Field(f.index), m.val, p, f.opts); err != nil {
			return err
		}
	}
	if val, ok := v.Addr().Interface().(validator); ok {
		if key, err := val.validate(); err != nil {
			at, p := n, path
			if key != "" {
				p = joinPath(path, key)
				if m := n.get(key); m != nil {
					at = m
				}
			}
			return errAt(p, at, ErrValue, "%s", err)
		}
	}
	return nil
}
