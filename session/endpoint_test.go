package session

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in, canon, locator string
		proto, addr        string
	}{
		{"tcp/127.0.0.1:7447", "tcp/127.0.0.1:7447", "tcp/127.0.0.1:7447", "tcp", "127.0.0.1:7447"},
		{"tcp/[::1]:7447", "tcp/[::1]:7447", "tcp/[::1]:7447", "tcp", "[::1]:7447"},
		{"tcp/host.name:7447", "tcp/host.name:7447", "tcp/host.name:7447", "tcp", "host.name:7447"},
		{"tcp/[::]:0", "tcp/[::]:0", "tcp/[::]:0", "tcp", "[::]:0"},
		// Metadata and config are sorted by key; config is not part of the locator.
		{"tcp/1.2.3.4:5?rel=1;prio=1-3", "tcp/1.2.3.4:5?prio=1-3;rel=1", "tcp/1.2.3.4:5?prio=1-3;rel=1", "tcp", "1.2.3.4:5"},
		{"tcp/1.2.3.4:5#so_sndbuf=9;bind=1.1.1.1:0", "tcp/1.2.3.4:5#bind=1.1.1.1:0;so_sndbuf=9", "tcp/1.2.3.4:5", "tcp", "1.2.3.4:5"},
		{"tcp/1.2.3.4:5?a=1#b=2", "tcp/1.2.3.4:5?a=1#b=2", "tcp/1.2.3.4:5?a=1", "tcp", "1.2.3.4:5"},
		// Empty entries are skipped, empty values print without '='.
		{"tcp/a:1?;k;;", "tcp/a:1?k", "tcp/a:1?k", "tcp", "a:1"},
		{"udp/1.2.3.4:5", "udp/1.2.3.4:5", "udp/1.2.3.4:5", "udp", "1.2.3.4:5"},
	}
	for i, tt := range tests {
		ep, err := ParseEndpoint(tt.in)
		if err != nil {
			t.Errorf("%d. ParseEndpoint(%q) error %v", i, tt.in, err)
			continue
		}
		if got := ep.String(); got != tt.canon {
			t.Errorf("%d. String() = %q, want %q", i, got, tt.canon)
		}
		if got := ep.Locator(); got != tt.locator {
			t.Errorf("%d. Locator() = %q, want %q", i, got, tt.locator)
		}
		if ep.Protocol != tt.proto || ep.Address != tt.addr {
			t.Errorf("%d. got (%q, %q), want (%q, %q)", i, ep.Protocol, ep.Address, tt.proto, tt.addr)
		}
		// Canonical forms parse to themselves.
		if ep2, err := ParseEndpoint(ep.String()); err != nil || ep2.String() != ep.String() {
			t.Errorf("%d. reparse %q: %v %q", i, ep.String(), err, ep2.String())
		}
	}
}

func TestParseEndpointRejects(t *testing.T) {
	bad := []string{
		"", "tcp", "tcp/", "/127.0.0.1:7447", "tcp/?a=1", "tcp/a:1?", "tcp/a:1#", "tcp/a:1?=v",
		"tcp/a:1#=v", "tcp/a:1#b=1?a=1", "tcp/a:1?a=1;a=2", "tcp/a:1?;;",
		"tcp/" + strings.Repeat("a", 252) + ":1",
	}
	for _, s := range bad {
		if ep, err := ParseEndpoint(s); !errors.Is(err, ErrEndpoint) {
			t.Errorf("ParseEndpoint(%q) = %v, %v; want ErrEndpoint", s, ep, err)
		}
	}
}

func TestTCPCheck(t *testing.T) {
	ok := []string{
		"tcp/127.0.0.1:7447", "tcp/[::1]:0", "tcp/localhost:1", "tcp/[::]:0",
		"tcp/127.0.0.1:7447#so_sndbuf=65536;so_rcvbuf=65536", "tcp/127.0.0.1:1#bind=127.0.0.1:0",
		"tcp/127.0.0.1:1#retry_period_init_ms=10;retry_period_max_ms=100;retry_period_increase_factor=1.5",
		"tcp/127.0.0.1:1#exit_on_failure=false",
	}
	for _, s := range ok {
		if err := (TCP{}).Check(MustParseEndpoint(s)); err != nil {
			t.Errorf("Check(%q) = %v", s, err)
		}
	}
	bad := []struct {
		s    string
		want error
	}{
		{"tcp/127.0.0.1", ErrEndpoint},
		{"tcp/::1:7447", ErrEndpoint},
		{"tcp/127.0.0.1:70000", ErrEndpoint},
		{"tcp/:7447", ErrEndpoint},
		{"udp/127.0.0.1:7447", ErrEndpoint},
		{"tcp/127.0.0.1:1#so_sndbuf=-1", ErrEndpoint},
		{"tcp/127.0.0.1:1#bind=nope", ErrEndpoint},
		{"tcp/127.0.0.1:1#retry_period_init_ms=x", ErrEndpoint},
		{"tcp/127.0.0.1:1#retry_period_increase_factor=0.5", ErrEndpoint},
		{"tcp/127.0.0.1:1?prio=1-3", ErrUnsupported},
		{"tcp/127.0.0.1:1?rel=0", ErrUnsupported},
		{"tcp/127.0.0.1:1#iface=eth0", ErrUnsupported},
		{"tcp/127.0.0.1:1#dscp=8", ErrUnsupported},
		{"tcp/127.0.0.1:1#whatever=1", ErrUnsupported},
	}
	for _, tt := range bad {
		if err := (TCP{}).Check(MustParseEndpoint(tt.s)); !errors.Is(err, tt.want) {
			t.Errorf("Check(%q) = %v, want %v", tt.s, err, tt.want)
		}
	}
}

func TestRetryFor(t *testing.T) {
	base := DefaultRetry()
	r, err := retryFor(MustParseEndpoint("tcp/a:1#retry_period_init_ms=50;retry_period_max_ms=400;retry_period_increase_factor=3"), base)
	if err != nil {
		t.Fatal(err)
	}
	if r.PeriodInit != 50e6 || r.PeriodMax != 400e6 || r.Factor != 3 || r.Jitter != base.Jitter {
		t.Fatalf("retryFor = %+v", r)
	}
	// A max below the init is raised to it, as a cap cannot undercut the first period.
	r, err = retryFor(MustParseEndpoint("tcp/a:1#retry_period_init_ms=5000"), base)
	if err != nil || r.PeriodInit != r.PeriodMax || r.PeriodMax != 5e9 {
		t.Fatalf("retryFor = %+v, %v", r, err)
	}
}

func TestConfigValidate(t *testing.T) {
	if c := DefaultConfig(); c.Validate() != nil {
		t.Fatal(c.Validate())
	}
	bad := []struct {
		mod  func(*Config)
		want error
	}{
		{func(c *Config) { c.Lease = 1500 * time.Microsecond }, ErrConfig},
		{func(c *Config) { c.KeepAlive = 0 }, ErrConfig},
		{func(c *Config) { c.BatchSize = 63 }, ErrConfig},
		{func(c *Config) { c.BatchSize = 65536 }, ErrConfig},
		{func(c *Config) { c.SNResolution = 12 }, ErrConfig},
		{func(c *Config) { c.QueueSize = 17 }, ErrConfig},
		{func(c *Config) { c.ConnectRetry.Jitter = 1 }, ErrConfig},
		{func(c *Config) { c.ListenRetry.PeriodMax = 0 }, ErrConfig},
		{func(c *Config) { c.WhatAmI = 3 }, ErrConfig},
		{func(c *Config) { c.MaxLinks = 2 }, ErrUnsupported},
		{func(c *Config) { c.LowLatency = true }, ErrUnsupported},
		{func(c *Config) { c.Compression = true }, ErrUnsupported},
	}
	for i, tt := range bad {
		c := DefaultConfig()
		tt.mod(&c)
		if err := c.Validate(); !errors.Is(err, tt.want) {
			t.Errorf("%d. Validate() = %v, want %v", i, err, tt.want)
		}
	}
}
