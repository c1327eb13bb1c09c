package config

import (
	"net/netip"
	"strconv"
	"strings"
)

// ZenohID is a Zenoh ID as written in a configuration: 1 to 32 lowercase hexadecimal digits
// without a leading zero. The empty ZenohID means none (Zenoh then draws a random one).
type ZenohID string

// ParseZenohID checks s as Zenoh does (a '+' sign, which Zenoh tolerates, is rejected).
func ParseZenohID(s string) (ZenohID, error) {
	switch {
	case s == "":
		return "", errStr("invalid id: empty")
	case strings.ContainsFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }):
		return "", errStr("invalid id " + quote(s) + ": uppercase hexadecimal is not accepted, use lowercase")
	case s[0] == '0':
		return "", errStr("invalid id " + quote(s) + ": leading zeros are not valid")
	case len(s) > 32:
		return "", errStr("invalid id " + quote(s) + ": more than 32 hexadecimal digits (16 bytes)")
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", errStr("invalid id " + quote(s) + ": not a hexadecimal number")
		}
	}
	return ZenohID(s), nil
}

func (z *ZenohID) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	v, err := ParseZenohID(s)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	*z = v
	return nil
}

func (z ZenohID) encodeNode() *node {
	if z == "" {
		return nullNode()
	}
	return strNode(string(z))
}

// RegionName names a region: 1 to 32 bytes. The empty RegionName means none.
type RegionName string

func (r *RegionName) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	if s == "" || len(s) > 32 {
		return errAt(path, n, ErrValue, "region names must be 1 to 32 bytes long, not %d", len(s))
	}
	*r = RegionName(s)
	return nil
}

func (r RegionName) encodeNode() *node {
	if r == "" {
		return nullNode()
	}
	return strNode(string(r))
}

// Namespace is a key expression without wildcards prefixed to every key of a session. The empty
// Namespace means none.
type Namespace string

// ParseNamespace checks s as a key expression without wildcards.
func ParseNamespace(s string) (Namespace, error) {
	if s == "" || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") || strings.Contains(s, "//") {
		return "", errStr("invalid key expression " + quote(s) + ": empty chunks are forbidden, as well as leading and trailing slashes")
	}
	if strings.ContainsAny(s, "#?") {
		return "", errStr("invalid key expression " + quote(s) + ": '#' and '?' are forbidden characters")
	}
	if strings.ContainsAny(s, "*$") {
		return "", errStr("invalid namespace " + quote(s) + ": wildcards ('*', '$*') are not allowed")
	}
	return Namespace(s), nil
}

func (ns *Namespace) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	v, err := ParseNamespace(s)
	if err != nil {
		return errAt(path, n, ErrValue, "%s", err)
	}
	*ns = v
	return nil
}

func (ns Namespace) encodeNode() *node {
	if ns == "" {
		return nullNode()
	}
	return strNode(string(ns))
}

// Bits is a sequence number resolution: 8, 16, 32 or 64 bits, written "8bit" … "64bit".
type Bits uint8

// Sequence number resolutions. Zenoh accepts the name "64bit" but rejects the value, since its
// sequence numbers are 32-bit; so does Parse.
const (
	Bits8  Bits = 8
	Bits16 Bits = 16
	Bits32 Bits = 32
	Bits64 Bits = 64
)

// String returns "8bit" … "64bit".
func (b Bits) String() string { return itoa(int(b)) + "bit" }

// Mask returns the largest sequence number of the resolution.
func (b Bits) Mask() uint64 {
	if b >= 64 {
		return ^uint64(0)
	}
	return 1<<b - 1
}

func (b *Bits) decodeNode(d *decoder, n *node, path string) error {
	s, err := d.str(n, path)
	if err != nil {
		return err
	}
	switch s {
	case "8bit", "16bit", "32bit":
		*b = Bits(atoiSmall(s[:len(s)-3]))
		return nil
	case "64bit":
		return errAt(path, n, ErrValue, "64bit is more than Zenoh's 32-bit sequence numbers")
	}
	return errAt(path, n, ErrValue, "unknown resolution %s: expected 8bit, 16bit, 32bit or 64bit", quote(s))
}

func atoiSmall(s string) int {
	v := 0
	for _, c := range s {
		v = v*10 + int(c-'0')
	}
	return v
}

func (b Bits) encodeNode() *node { return strNode(b.String()) }

// parseSocketAddr reads a socket address as Rust does ("1.2.3.4:5", "[::1]:5", "[ff02::1%2]:5":
// an IPv6 scope must be numeric).
func parseSocketAddr(s string) (netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return netip.AddrPort{}, errStr("invalid socket address " + quote(s) + ": expected ip:port or [ipv6]:port")
	}
	if z := ap.Addr().Zone(); z != "" {
		id, err := strconv.ParseUint(z, 10, 32)
		if err != nil || strings.ContainsAny(z, "+-") {
			return netip.AddrPort{}, errStr("invalid socket address " + quote(s) + ": the IPv6 scope must be a 32-bit number")
		}
		ap = netip.AddrPortFrom(ap.Addr().WithZone(strconv.FormatUint(id, 10)), ap.Port()) // as Rust prints it
	}
	return ap, nil
}
