package wire

import (
	"errors"
	"strconv"
	"strings"
)

// Locator is the address of a Zenoh link in its canonical text form:
//
//	<protocol>/<address>[?<metadata>]
//
// where metadata is key[=value] entries joined by ';', sorted by key. Examples from Rust:
// "tcp/192.168.1.10:38291", "tcp/[2001:db8::1]:7447", "udp/10.0.0.1:7447?rel=0".
// An endpoint's "#config" part never travels, so a Locator never has one.
// Mirrors commons/zenoh-protocol/src/core/{locator,endpoint,parameters}.rs and
// commons/zenoh-codec/src/core/locator.rs.
type Locator string

// errLocator is returned by ParseLocator.
var errLocator = errors.New("wire: locator is not canonical <protocol>/<address>[?<metadata>]")

// ParseLocator checks that s is a canonical locator and returns it.
//
// Since zenoh 1.9 the Rust decoder re-parses every locator it receives and rejects it unless
// re-serialising gives back the same string; this accepts exactly those strings: a non-empty
// protocol, something after the '/', no '#', and metadata (if any) that is non-empty, has no
// empty key or empty entry, no "k=" with an empty value, and keys in ascending order. It also
// rejects strings longer than MaxLocatorLen, which cannot travel.
func ParseLocator(s string) (Locator, error) {
	if len(s) > MaxLocatorLen || !locatorCanonical(s) {
		return "", errLocator
	}
	return Locator(s), nil
}

func locatorCanonical(s string) bool {
	p := strings.IndexByte(s, '/')
	if p <= 0 || p == len(s)-1 || strings.IndexByte(s, '#') >= 0 {
		return false
	}
	m := strings.IndexByte(s, '?')
	if m < 0 {
		return true
	}
	if m < p {
		return false
	}
	return locatorMetadataCanonical(s[m+1:])
}

// locatorMetadataCanonical reports whether md is what Zenoh's parameter sort-and-join gives back
// unchanged: at least one entry, no empty entry, non-empty keys in ascending order, and no
// '=' followed by an empty value (Zenoh writes such an entry as the bare key).
func locatorMetadataCanonical(md string) bool {
	if md == "" {
		return false
	}
	prev := ""
	for i, e := range strings.Split(md, ";") {
		if e == "" {
			return false
		}
		k, v, hasEq := strings.Cut(e, "=")
		if k == "" || (hasEq && v == "") {
			return false
		}
		if i > 0 && k < prev {
			return false
		}
		prev = k
	}
	return true
}

// Protocol returns the part before the first '/'.
func (l Locator) Protocol() string {
	p, _, _ := strings.Cut(string(l), "/")
	return p
}

// Address returns the part between the first '/' and the metadata.
func (l Locator) Address() string {
	_, a, _ := strings.Cut(string(l), "/")
	a, _, _ = strings.Cut(a, "?")
	return a
}

// Metadata returns the part after the '?', or "".
func (l Locator) Metadata() string {
	s := string(l)
	p := strings.IndexByte(s, '/')
	if p < 0 {
		return ""
	}
	_, md, _ := strings.Cut(s[p:], "?")
	return md
}

// String returns the locator.
func (l Locator) String() string { return string(l) }

// locatorsLen is the encoded size of a locator list (count, then each as a string).
func locatorsLen(ls []Locator) int {
	n := ZintLen(uint64(len(ls)))
	for _, l := range ls {
		n += stringLen(string(l))
	}
	return n
}

// appendLocators appends a locator list after checking every locator.
func appendLocators(b []byte, msg string, ls []Locator) ([]byte, error) {
	if len(ls) > MaxLocators {
		return b, encErr(msg, "locators", "more than MaxLocators")
	}
	for _, l := range ls {
		if _, err := ParseLocator(string(l)); err != nil {
			return b, encErr(msg, "locators", "not canonical: "+strconv.Quote(string(l)))
		}
	}
	b = AppendZint(b, uint64(len(ls)))
	for _, l := range ls {
		b = appendString(b, string(l))
	}
	return b, nil
}

// trLocators reads a locator list. The count is checked against MaxLocators and against the
// remaining input (every locator takes at least one byte) before the list is allocated.
func (r *rd) trLocators(field string) ([]Locator, error) {
	start := r.off
	n, err := r.zint(field)
	if err != nil {
		return nil, err
	}
	if n > MaxLocators {
		r.off = start
		return nil, r.fail(field, ErrLimit)
	}
	if n > uint64(r.left()) {
		r.off = start
		return nil, r.fail(field, ErrTruncated)
	}
	if n == 0 {
		return nil, nil
	}
	ls := make([]Locator, 0, n)
	for range n {
		at := r.off
		s, err := r.str(field, MaxLocatorLen)
		if err != nil {
			return nil, err
		}
		if !locatorCanonical(s) {
			r.off = at
			return nil, r.fail(field, ErrInvalid)
		}
		ls = append(ls, Locator(s))
	}
	return ls, nil
}
