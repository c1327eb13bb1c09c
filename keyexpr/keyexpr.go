package keyexpr

import "strings"

// KeyExpr is a validated key expression in canonical form. It is a small comparable value;
// equal key expressions denote equal sets of keys. The zero KeyExpr is not a key expression:
// it intersects and includes nothing.
type KeyExpr struct {
	s string
}

// New returns s as a KeyExpr if s is a key expression in canonical form, exactly as Zenoh 1.x
// decides, and no longer than MaxKeyLen. Otherwise it returns a *SyntaxError that names the
// problem and its offset and chunk. New does not allocate when s is valid.
func New(s string) (KeyExpr, error) {
	if err := validate(s); err != nil {
		return KeyExpr{}, err
	}
	return KeyExpr{s: s}, nil
}

// NewAutocanonized returns the KeyExpr for Autocanonize(s).
func NewAutocanonized(s string) (KeyExpr, error) {
	c, err := Autocanonize(s)
	if err != nil {
		return KeyExpr{}, err
	}
	return KeyExpr{s: c}, nil
}

// Join returns a followed by '/' and suffix, autocanonized, as Zenoh's keyexpr::join does.
// suffix need not be canonical ("**" joined to "**/*" gives "*/**") but must make a valid key
// expression once joined.
func Join(a KeyExpr, suffix string) (KeyExpr, error) {
	return NewAutocanonized(a.s + "/" + suffix)
}

// String returns the key expression's text.
func (k KeyExpr) String() string { return k.s }

// IsZero reports whether k is the zero KeyExpr.
func (k KeyExpr) IsZero() bool { return k.s == "" }

// IsWild reports whether k contains a wildcard ("*", "**" or "$*"), i.e. may denote more than
// one key.
func (k KeyExpr) IsWild() bool { return strings.IndexByte(k.s, '*') >= 0 }

// Intersects reports whether some key belongs to both k and o (see IntersectsString).
func (k KeyExpr) Intersects(o KeyExpr) bool { return IntersectsString(k.s, o.s) }

// Includes reports whether every key of o belongs to k (see IncludesString).
func (k KeyExpr) Includes(o KeyExpr) bool { return IncludesString(k.s, o.s) }
