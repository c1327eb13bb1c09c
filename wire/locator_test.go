package wire

import (
	"strings"
	"testing"
)

func TestLocatorParse(t *testing.T) {
	good := []string{
		"tcp/192.168.1.10:38291", "tcp/[2001:db8::1]:7447", "udp/10.0.0.1:7447",
		"udp/10.0.0.1:7447?rel=0", "tcp/a?prio=1-3;rel=1", "tcp/a?a=1;a=2", "tcp/a?k=v=w",
		"tcp/?a=1", "tcp/a?x=1?y", "unixsock-stream//tmp/sock", "tcp/a?flag",
	}
	for _, s := range good {
		if _, err := ParseLocator(s); err != nil {
			t.Errorf("ParseLocator(%q) = %v", s, err)
		}
	}
	bad := []string{
		"", "tcp", "/a", "tcp/", "tcp/a#iface=lo", "tcp/a?b=1#c=2", "tcp/a?", "tcp/a?;", "tcp/a?b;;c",
		"tcp/a?=1", "tcp/a?k=", "tcp/a?b=1;a=2", "a?b/c", "tcp/" + strings.Repeat("x", 252),
	}
	for _, s := range bad {
		if _, err := ParseLocator(s); err == nil {
			t.Errorf("ParseLocator(%q) accepted", s)
		}
	}
}

func TestLocatorParts(t *testing.T) {
	l := Locator("udp/10.0.0.1:7447?a=1;rel=0")
	if l.Protocol() != "udp" || l.Address() != "10.0.0.1:7447" || l.Metadata() != "a=1;rel=0" || l.String() != string(l) {
		t.Fatalf("parts of %q: %q %q %q", l, l.Protocol(), l.Address(), l.Metadata())
	}
	l = "tcp/[::1]:7447"
	if l.Protocol() != "tcp" || l.Address() != "[::1]:7447" || l.Metadata() != "" {
		t.Fatalf("parts of %q", l)
	}
}
