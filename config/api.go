package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Parse reads a JSON5 configuration document. Keys not given take DefaultConfig's values. It
// returns the warnings about what it accepted that real Zenoh would reject (unknown keys, bare
// words, legacy forms) or ignore (deprecated keys). Errors are *Error values wrapping ErrSyntax,
// ErrType, ErrValue, ErrDuplicateKey or ErrLimit.
func Parse(doc []byte) (Config, Warnings, error) {
	if len(doc) > MaxDocumentSize {
		return Config{}, nil, &Error{Err: fmt.Errorf("%w: document of %d bytes is larger than MaxDocumentSize (%d)",
			ErrLimit, len(doc), MaxDocumentSize)}
	}
	n, err := parseJSON5(string(doc), true)
	if err != nil {
		return Config{}, nil, err
	}
	d := &decoder{}
	c, err := d.decodeConfig(n)
	if err != nil {
		return Config{}, nil, err
	}
	return c, d.result(), nil
}

// decodeConfig reads a whole document over DefaultConfig.
func (d *decoder) decodeConfig(n *node) (Config, error) {
	c := DefaultConfig()
	if err := d.decodeValue(reflect.ValueOf(&c).Elem(), n, "", fieldOpts{}); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Load reads the configuration file at path (JSON5; Zenoh's YAML form is not supported).
func Load(path string) (Config, Warnings, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".toml":
		return Config{}, nil, &Error{Err: fmt.Errorf("%w: %s: only JSON5 configuration files are supported", ErrSyntax, path)}
	}
	f, err := os.Open(path)
	if err != nil {
		return Config{}, nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxDocumentSize {
		return Config{}, nil, &Error{Err: fmt.Errorf("%w: %s is %d bytes, larger than MaxDocumentSize (%d)",
			ErrLimit, path, st.Size(), MaxDocumentSize)}
	}
	doc, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return Config{}, nil, err
	}
	return Parse(doc)
}

// MarshalJSON5 returns c as an indented JSON5 document with every key, which real Zenoh accepts
// and Parse reads back to a Config equal to c. It fails (ErrValue) if a Raw field does not hold
// JSON; String writes such a field as null.
func (c Config) MarshalJSON5() ([]byte, error) {
	if err := checkRaw(reflect.ValueOf(c), ""); err != nil {
		return nil, err
	}
	var b strings.Builder
	writeJSON5(&b, encodeValue(reflect.ValueOf(c)), 0)
	b.WriteByte('\n')
	return []byte(b.String()), nil
}

// MarshalJSON returns c as compact JSON (which is also JSON5).
func (c Config) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

// String returns c as compact JSON, as Zenoh prints a configuration.
func (c Config) String() string {
	var b strings.Builder
	writeJSON(&b, encodeValue(reflect.ValueOf(c)))
	return b.String()
}

// Equal reports whether c and o hold the same configuration.
func (c Config) Equal(o Config) bool { return reflect.DeepEqual(c, o) }

// splitPath splits a "/"-separated key path, ignoring empty segments as Zenoh does.
func splitPath(path string) ([]string, error) {
	if len(path) > MaxPathLength {
		return nil, &Error{Err: fmt.Errorf("%w: path longer than MaxPathLength (%d)", ErrLimit, MaxPathLength)}
	}
	if !utf8.ValidString(path) {
		return nil, &Error{Err: fmt.Errorf("%w: path is not valid UTF-8", ErrPath)}
	}
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) > MaxDepth {
		return nil, &Error{Path: path, Err: fmt.Errorf("%w: more than MaxDepth (%d) segments", ErrLimit, MaxDepth)}
	}
	return segs, nil
}

// lookup follows segs from root; objects are entered by key, arrays by index.
func lookup(root *node, segs []string, path string) (*node, error) {
	n := root
	for i, s := range segs {
		var next *node
		switch n.kind {
		case kindObject:
			next = n.get(s)
		case kindArray:
			var idx int
			if _, err := fmt.Sscanf(s, "%d", &idx); err == nil && itoa(idx) == s && idx >= 0 && idx < len(n.elems) {
				next = n.elems[idx]
			}
		}
		if next == nil {
			return nil, &Error{Path: strings.Join(segs[:i+1], "/"), Err: fmt.Errorf("%w: no key %q in %s", ErrUnknownKey, s, path)}
		}
		n = next
	}
	return n, nil
}

// Get returns the value at the "/"-separated key path as compact JSON, as Zenoh's get_json does
// (values Zenoh would report as null, because they are unset, are reported as their defaults).
// The empty path returns the whole configuration. Paths may enter free-form values
// (plugins/rest/http_port) and lists (listen/endpoints/peer/0).
func (c Config) Get(path string) (string, error) {
	segs, err := splitPath(path)
	if err != nil {
		return "", err
	}
	n, err := lookup(encodeValue(reflect.ValueOf(c)), segs, path)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	writeJSON(&b, n)
	return b.String(), nil
}

// Insert sets the value at the "/"-separated key path from a JSON5 value, as Zenoh's
// insert_json5 does: an object replaces the whole section, whose keys not given take their
// defaults. Bare words are read as strings; unknown keys are errors (ErrUnknownKey). Keys may be
// added to free-form sections (plugins/…). On error c is unchanged.
func (c *Config) Insert(path, json5Value string) error {
	segs, err := splitPath(path)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return &Error{Err: fmt.Errorf("%w: empty key path", ErrPath)}
	}
	if len(json5Value) > MaxDocumentSize {
		return &Error{Path: path, Err: fmt.Errorf("%w: value larger than MaxDocumentSize (%d)", ErrLimit, MaxDocumentSize)}
	}
	v, err := parseJSON5(json5Value, true)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Path = strings.Join(segs, "/")
		}
		return err
	}
	root := encodeValue(reflect.ValueOf(*c))
	parent, err := lookup(root, segs[:len(segs)-1], path)
	if err != nil {
		return err
	}
	last := segs[len(segs)-1]
	switch {
	case parent.kind == kindObject && (parent.raw || parent.get(last) != nil):
		parent.set(last, v)
	case parent.kind == kindArray:
		target, err := lookup(parent, []string{last}, path)
		if err != nil {
			return err
		}
		*target = *v
	default:
		return &Error{Path: strings.Join(segs, "/"), Err: fmt.Errorf("%w: no key %q here", ErrUnknownKey, last)}
	}
	d := &decoder{strict: true}
	nc, err := d.decodeConfig(root)
	if err != nil {
		return err
	}
	*c = nc
	return nil
}

// Keys returns the key paths of every leaf of the configuration Zenoh defines, in document
// order (free-form sections such as plugins are leaves).
func Keys() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		si := structFields(t)
		for _, f := range si.fields {
			p := joinPath(prefix, f.name)
			ft := t.Field(f.index).Type
			if ft.Kind() == reflect.Struct && ft != addrPortType && !reflect.PointerTo(ft).Implements(decoderType) {
				walk(ft, p)
				continue
			}
			out = append(out, p)
		}
	}
	walk(reflect.TypeOf(Config{}), "")
	return out
}

var decoderType = reflect.TypeOf((*nodeDecoder)(nil)).Elem()

// checkRaw reports the first Raw field under v that does not hold JSON.
func checkRaw(v reflect.Value, path string) error {
	if v.Type() == rawType {
		if r := v.String(); r != "" {
			if _, err := parseJSON5(r, false); err != nil {
				return &Error{Path: path, Err: fmt.Errorf("%w: the free-form value is not JSON: %v", ErrValue, err)}
			}
		}
		return nil
	}
	if v.Kind() != reflect.Struct || v.Type() == addrPortType {
		return nil
	}
	si := structFields(v.Type())
	for _, f := range si.fields {
		if err := checkRaw(v.Field(f.index), joinPath(path, f.name)); err != nil {
			return err
		}
	}
	return nil
}
