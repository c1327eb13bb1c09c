package config

import "reflect"

// ModeValue is a setting that is either one value for every mode ("unique", written as a plain
// value) or a value per mode, written {router: …, peer: …, client: …}, where a mode may be
// absent. An absent mode takes Zenoh's default for that mode, except for endpoint lists, where
// it means no endpoint.
type ModeValue[T any] struct {
	vals   [3]T // router, peer, client; only vals[0] when unique
	has    [3]bool
	unique bool
}

// Unique returns the value v for every mode.
func Unique[T any](v T) ModeValue[T] {
	return ModeValue[T]{vals: [3]T{v}, has: [3]bool{true, true, true}, unique: true}
}

// PerMode returns a per-mode value with no mode set; add modes with With.
func PerMode[T any]() ModeValue[T] { return ModeValue[T]{} }

// With returns m in per-mode form with mode set to v.
func (m ModeValue[T]) With(mode Mode, v T) ModeValue[T] {
	if m.unique {
		u := m.vals[0]
		m = ModeValue[T]{vals: [3]T{u, u, u}, has: [3]bool{true, true, true}}
	}
	i := mode.index()
	m.vals[i], m.has[i] = v, true
	return m
}

// Get returns the value for mode, and whether there is one.
func (m ModeValue[T]) Get(mode Mode) (T, bool) {
	if m.unique {
		return m.vals[0], true
	}
	i := mode.index()
	return m.vals[i], m.has[i]
}

// GetOr returns the value for mode, or def when the mode is absent.
func (m ModeValue[T]) GetOr(mode Mode, def T) T {
	if v, ok := m.Get(mode); ok {
		return v
	}
	return def
}

// IsUnique reports whether m is one value for every mode.
func (m ModeValue[T]) IsUnique() bool { return m.unique }

var modeKeys = [3]string{"router", "peer", "client"}

func (m *ModeValue[T]) decodeNode(d *decoder, n *node, path string) error {
	if n.kind != kindObject {
		var v T
		if err := d.decodeValue(reflect.ValueOf(&v).Elem(), n, path, fieldOpts{anyNumber: true}); err != nil {
			return err
		}
		*m = Unique(v)
		return nil
	}
	var out ModeValue[T]
	seen := [3]bool{}
	for _, mem := range n.members {
		p := joinPath(path, mem.key)
		i := modeIndex(mem.key)
		if i < 0 {
			if err := d.unknownKey(p, &mem, "expected router, peer or client"); err != nil {
				return err
			}
			continue
		}
		if seen[i] {
			return errAt(p, mem.val, ErrDuplicateKey, "key %q given twice", mem.key)
		}
		seen[i] = true
		if mem.val.kind == kindNull {
			continue
		}
		// Zenoh reads a per-mode entry with the typed rules (`{peer: 1.5}` is 1 for an integer),
		// unlike the single-value form.
		var v T
		if err := d.decodeValue(reflect.ValueOf(&v).Elem(), mem.val, p, fieldOpts{}); err != nil {
			return err
		}
		out.vals[i], out.has[i] = v, true
	}
	*m = out
	return nil
}

func modeIndex(key string) int {
	for i, k := range modeKeys {
		if k == key {
			return i
		}
	}
	return -1
}

func (m ModeValue[T]) encodeNode() *node {
	if m.unique {
		return encodeValue(reflect.ValueOf(m.vals[0]))
	}
	o := objNode()
	for i, k := range modeKeys {
		if m.has[i] {
			o.members = append(o.members, field(k, encodeValue(reflect.ValueOf(m.vals[i]))))
		}
	}
	return o
}
