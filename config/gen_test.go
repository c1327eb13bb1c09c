package config

import (
	"math"
	"net/netip"
	"strings"

	"pgregory.net/rapid"
)

// Generators of valid configurations, in the canonical form Parse produces.

func genModeValue[T any](t *rapid.T, label string, gen func(*rapid.T, string) T) ModeValue[T] {
	if rapid.Bool().Draw(t, label+".unique") {
		return Unique(gen(t, label))
	}
	m := PerMode[T]()
	for _, mode := range modes {
		if rapid.Bool().Draw(t, label+"."+mode.String()) {
			m = m.With(mode, gen(t, label+"."+mode.String()))
		}
	}
	return m
}

func genInt64(t *rapid.T, label string) int64 { return rapid.Int64().Draw(t, label) }
func genBool(t *rapid.T, label string) bool   { return rapid.Bool().Draw(t, label) }

func genFloat(t *rapid.T, label string) float64 {
	f := rapid.Float64().Draw(t, label)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 2
	}
	return f
}

func genMatcher(t *rapid.T, label string) WhatAmIMatcher {
	return WhatAmIMatcher(rapid.IntRange(0, 7).Draw(t, label))
}

var identRunes = []rune("abcdefghijklmnopqrstuvwxyz0123456789_-.")

// genText draws a string of any valid UTF-8, control and line-separator characters included.
func genText(t *rapid.T, label string, maxLen int) string {
	if rapid.Bool().Draw(t, label+".plain") {
		return rapid.StringOfN(rapid.RuneFrom(identRunes), 0, maxLen, -1).Draw(t, label)
	}
	return rapid.StringN(0, maxLen, -1).Draw(t, label)
}

func genParams(t *rapid.T, label string) string {
	n := rapid.IntRange(1, 3).Draw(t, label+".n")
	var parts []string
	for i := 0; i < n; i++ {
		k := rapid.StringOfN(rapid.RuneFrom([]rune("abcxyz_")), 1, 4, -1).Draw(t, label+".k")
		v := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789abc=.:|")), 0, 5, -1).Draw(t, label+".v")
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ";")
}

func genEndPoint(t *rapid.T, label string) EndPoint {
	proto := rapid.SampledFrom([]string{"tcp", "udp", "tls", "quic", "ws", "unixsock-stream"}).Draw(t, label+".proto")
	addr := rapid.SampledFrom([]string{"127.0.0.1:7447", "[::1]:7447", "localhost:0", "[::]:0", "/tmp/sock", "a"}).Draw(t, label+".addr")
	s := proto + "/" + addr
	if rapid.Bool().Draw(t, label+".meta") {
		s += "?" + genParams(t, label+".m")
	}
	if rapid.Bool().Draw(t, label+".conf") {
		s += "#" + genParams(t, label+".c")
	}
	e, err := ParseEndPoint(s)
	if err != nil {
		t.Fatalf("generated endpoint %q: %v", s, err)
	}
	return e
}

func genEndPoints(t *rapid.T, label string) []EndPoint {
	n := rapid.IntRange(0, 3).Draw(t, label+".n")
	if n == 0 {
		return nil
	}
	out := make([]EndPoint, n)
	for i := range out {
		out[i] = genEndPoint(t, label)
	}
	return out
}

func genGroups(t *rapid.T, label string) []EndPointGroup {
	n := rapid.IntRange(0, 3).Draw(t, label+".n")
	if n == 0 {
		return nil
	}
	out := make([]EndPointGroup, n)
	for i := range out {
		if rapid.Bool().Draw(t, label+".single") {
			out[i] = Single(genEndPoint(t, label))
		} else {
			out[i] = EndPointGroup{
				Strategy: rapid.SampledFrom([]string{LocatorsAllOf, LocatorsOneOf}).Draw(t, label+".strategy"),
				Locators: genEndPoints(t, label),
			}
		}
	}
	return out
}

func genStrategy(t *rapid.T, label string) Strategy {
	return rapid.SampledFrom([]Strategy{StrategyAlways, StrategyGreaterZid}).Draw(t, label)
}

func genTargets(t *rapid.T, label string) TargetStrategy {
	return TargetStrategy{genModeValue(t, label, genStrategy)}
}

func genAutoconnectStrategy(t *rapid.T, label string) AutoconnectStrategy {
	a := AutoconnectStrategy{ByMode: genModeValue(t, label, genTargets)}
	if a.ByMode.unique && !a.ByMode.vals[0].unique && a.ByMode.vals[0].has == [3]bool{} {
		return AutoconnectStrategy{} // {} is read back as "no mode given"
	}
	return a
}

func genRetry(t *rapid.T, label string) RetryConfig {
	return RetryConfig{
		PeriodInitMS:         genModeValue(t, label+".init", genInt64),
		PeriodMaxMS:          genModeValue(t, label+".max", genInt64),
		PeriodIncreaseFactor: genModeValue(t, label+".factor", genFloat),
	}
}

// genRawNode draws a free-form JSON value.
func genRawNode(t *rapid.T, label string, depth int) *node {
	k := rapid.IntRange(0, 6).Draw(t, label+".kind")
	if depth > 2 && k >= 4 {
		k = 3
	}
	switch k {
	case 0:
		return nullNode()
	case 1:
		return boolNode(rapid.Bool().Draw(t, label+".b"))
	case 2:
		if rapid.Bool().Draw(t, label+".int") {
			return numNode(itoa64(rapid.Int64().Draw(t, label+".i")))
		}
		return numNode(formatFloat(genFloat(t, label+".f")))
	case 3:
		return strNode(genText(t, label+".s", 12))
	case 4:
		a := arrNode()
		for i, n := 0, rapid.IntRange(0, 3).Draw(t, label+".len"); i < n; i++ {
			a.elems = append(a.elems, genRawNode(t, label, depth+1))
		}
		return a
	}
	o := objNode()
	for i, n := 0, rapid.IntRange(0, 3).Draw(t, label+".len"); i < n; i++ {
		o.members = append(o.members, field(genText(t, label+".key", 8), genRawNode(t, label, depth+1)))
	}
	return o
}

func genRaw(t *rapid.T, label string, k rawKind) Raw {
	n := genRawNode(t, label, 0)
	switch {
	case k == rawObject && n.kind != kindObject:
		n = objNode(field("k", n))
	case k == rawArray && n.kind != kindArray:
		n = arrNode(n)
	}
	r, err := (&decoder{}).decodeRaw(n, label, k)
	if err != nil {
		t.Fatalf("generated raw value: %v", err)
	}
	return r
}

func genOptString(t *rapid.T, label string) *string {
	if rapid.Bool().Draw(t, label+".set") {
		s := genText(t, label, 16)
		return &s
	}
	return nil
}

func genOptBool(t *rapid.T, label string) *bool {
	if rapid.Bool().Draw(t, label+".set") {
		b := rapid.Bool().Draw(t, label)
		return &b
	}
	return nil
}

func genOptU32(t *rapid.T, label string) *uint32 {
	if rapid.Bool().Draw(t, label+".set") {
		v := rapid.Uint32().Draw(t, label)
		return &v
	}
	return nil
}

func genSize(t *rapid.T, label string) int { return rapid.IntRange(0, math.MaxInt64).Draw(t, label) }

func genMulticastAddr(t *rapid.T, label string) netip.AddrPort {
	port := rapid.Uint16().Draw(t, label+".port")
	if rapid.Bool().Draw(t, label+".v4") {
		b := [4]byte{byte(rapid.IntRange(224, 239).Draw(t, label+".a")), rapid.Byte().Draw(t, label+".b"), rapid.Byte().Draw(t, label+".c"), rapid.Byte().Draw(t, label+".d")}
		return netip.AddrPortFrom(netip.AddrFrom4(b), port)
	}
	var b [16]byte
	b[0] = 0xff
	b[1] = rapid.Byte().Draw(t, label+".scope")
	b[15] = rapid.Byte().Draw(t, label+".last")
	a := netip.AddrFrom16(b)
	if rapid.Bool().Draw(t, label+".zone") {
		a = a.WithZone(itoa(rapid.IntRange(0, 99).Draw(t, label+".zoneid")))
	}
	return netip.AddrPortFrom(a, port)
}

func genSubset(t *rapid.T, label string, from []string) []string {
	var out []string
	for _, s := range from {
		if rapid.Bool().Draw(t, label+"."+s) {
			out = append(out, s)
		}
	}
	return out
}

// genConfig draws a valid configuration in the form Parse produces.
func genConfig(t *rapid.T) Config {
	c := DefaultConfig()
	if rapid.Bool().Draw(t, "id.set") {
		first := rapid.StringOfN(rapid.RuneFrom([]rune("123456789abcdef")), 1, 1, -1).Draw(t, "id0")
		rest := rapid.StringOfN(rapid.RuneFrom([]rune("0123456789abcdef")), 0, 31, -1).Draw(t, "id")
		c.ID = ZenohID(first + rest)
	}
	c.Metadata = genRaw(t, "metadata", rawAny)
	c.Mode = rapid.SampledFrom(modes[:]).Draw(t, "mode")
	if rapid.Bool().Draw(t, "region.set") {
		c.RegionName = RegionName(rapid.StringOfN(rapid.RuneFrom(identRunes), 1, 32, 32).Draw(t, "region"))
	}
	c.Gateway.South = rapid.SampledFrom([]Raw{"null", `"auto"`, "[]", `[{"filters":[]}]`}).Draw(t, "south")
	c.Connect = ConnectConfig{
		TimeoutMS:     genModeValue(t, "connect.timeout", genInt64),
		Endpoints:     genModeValue(t, "connect.endpoints", genGroups),
		ExitOnFailure: genModeValue(t, "connect.exit", genBool),
		Retry:         genRetry(t, "connect.retry"),
	}
	c.Listen = ListenConfig{
		TimeoutMS:     genModeValue(t, "listen.timeout", genInt64),
		Endpoints:     genModeValue(t, "listen.endpoints", genEndPoints),
		ExitOnFailure: genModeValue(t, "listen.exit", genBool),
		Retry:         genRetry(t, "listen.retry"),
	}
	c.Open.ReturnConditions = ReturnConditionsConfig{ConnectScouted: rapid.Bool().Draw(t, "cs"), Declares: rapid.Bool().Draw(t, "decl")}
	c.Scouting = ScoutingConfig{
		TimeoutMS: rapid.Uint64().Draw(t, "scouting.timeout"),
		DelayMS:   rapid.Uint64().Draw(t, "scouting.delay"),
		Multicast: MulticastScoutingConfig{
			Enabled:             rapid.Bool().Draw(t, "mc.enabled"),
			Address:             genMulticastAddr(t, "mc.address"),
			Interface:           genText(t, "mc.interface", 12),
			TTL:                 uint32(rapid.IntRange(0, 255).Draw(t, "mc.ttl")),
			Autoconnect:         genModeValue(t, "mc.autoconnect", genMatcher),
			AutoconnectStrategy: genAutoconnectStrategy(t, "mc.strategy"),
			Listen:              genModeValue(t, "mc.listen", genBool),
		},
		Gossip: GossipScoutingConfig{
			Enabled:             rapid.Bool().Draw(t, "gossip.enabled"),
			Multihop:            rapid.Bool().Draw(t, "gossip.multihop"),
			Target:              genModeValue(t, "gossip.target", genMatcher),
			Autoconnect:         genModeValue(t, "gossip.autoconnect", genMatcher),
			AutoconnectStrategy: genAutoconnectStrategy(t, "gossip.strategy"),
		},
	}
	c.Timestamping = TimestampingConfig{Enabled: genModeValue(t, "ts.enabled", genBool), DropFutureTimestamp: rapid.Bool().Draw(t, "ts.drop")}
	c.QueriesDefaultTimeoutMS = rapid.Uint64().Draw(t, "queries")
	c.Routing.Router.Linkstate.TransportWeights = genRaw(t, "weights", rawArray)
	c.Routing.Interests.TimeoutMS = rapid.Uint64().Draw(t, "interests")
	c.Aggregation = genRaw(t, "aggregation", rawObject)
	c.QoS = genRaw(t, "qos", rawObject)
	tr := &c.Transport
	tr.Unicast = UnicastTransportConfig{
		OpenTimeoutMS: rapid.Uint64().Draw(t, "open"), AcceptTimeoutMS: rapid.Uint64().Draw(t, "accept"),
		AcceptPending: genSize(t, "pending"), MaxSessions: genSize(t, "sessions"), MaxLinks: genSize(t, "links"),
		LowLatency: rapid.Bool().Draw(t, "lowlatency"), QoS: EnabledConfig{rapid.Bool().Draw(t, "uqos")},
		Compression: EnabledConfig{rapid.Bool().Draw(t, "ucomp")},
	}
	tr.Multicast = MulticastTransportConfig{
		JoinIntervalMS: rapid.Uint64().Draw(t, "join"), MaxSessions: genSize(t, "msessions"),
		QoS: EnabledConfig{rapid.Bool().Draw(t, "mqos")}, Compression: EnabledConfig{rapid.Bool().Draw(t, "mcomp")},
	}
	switch rapid.IntRange(0, 2).Draw(t, "protocols") {
	case 0:
		tr.Link.Protocols = nil
	case 1:
		tr.Link.Protocols = []string{}
	default:
		tr.Link.Protocols = genSubset(t, "protocols", []string{"tcp", "udp", "tls", "quic"})
		if tr.Link.Protocols == nil {
			tr.Link.Protocols = []string{}
		}
	}
	q := QueueSizeConfig{}
	for _, p := range []*int{&q.Control, &q.RealTime, &q.InteractiveHigh, &q.InteractiveLow, &q.DataHigh, &q.Data, &q.DataLow, &q.Background} {
		*p = rapid.IntRange(1, 16).Draw(t, "queue")
	}
	tr.Link.TX = LinkTxConfig{
		SequenceNumberResolution: rapid.SampledFrom([]Bits{Bits8, Bits16, Bits32}).Draw(t, "sn"),
		LeaseMS:                  rapid.Uint64Min(1).Draw(t, "lease"),
		KeepAlive:                rapid.IntRange(1, math.MaxInt64).Draw(t, "keepalive"),
		BatchSize:                rapid.Uint16Min(1).Draw(t, "batch"),
		Queue: QueueConfig{
			Size: q,
			CongestionControl: CongestionControlConfig{
				Drop:  DropConfig{rapid.Int64().Draw(t, "wbd"), rapid.Int64().Draw(t, "mwbdf")},
				Block: BlockConfig{rapid.Int64().Draw(t, "wbc")},
			},
			Batching:   BatchingConfig{rapid.Bool().Draw(t, "batching"), rapid.Uint64().Draw(t, "timelimit")},
			Allocation: AllocationConfig{rapid.SampledFrom([]string{"init", "lazy"}).Draw(t, "alloc")},
		},
		Threads: genSize(t, "threads"),
	}
	tr.Link.RX = LinkRxConfig{BufferSize: genSize(t, "rxbuf"), MaxMessageSize: genSize(t, "rxmax")}
	tr.Link.TLS = TLSConfig{
		RootCACertificate: genOptString(t, "ca"), ListenPrivateKey: genOptString(t, "lpk"), ListenCertificate: genOptString(t, "lc"),
		EnableMTLS: genOptBool(t, "mtls"), ConnectPrivateKey: genOptString(t, "cpk"), ConnectCertificate: genOptString(t, "cc"),
		VerifyNameOnConnect: genOptBool(t, "verify"), CloseLinkOnExpiration: genOptBool(t, "close"),
		SoSndbuf: genOptU32(t, "tlssnd"), SoRcvbuf: genOptU32(t, "tlsrcv"), RootCACertificateBase64: genOptString(t, "ca64"),
	}
	tr.Link.TCP = TCPConfig{SoSndbuf: genOptU32(t, "snd"), SoRcvbuf: genOptU32(t, "rcv")}
	tr.Link.UnixPipe = UnixPipeConfig{FileAccessMask: genOptU32(t, "mask")}
	tr.SharedMemory = SharedMemoryConfig{
		Enabled: rapid.Bool().Draw(t, "shm"), Mode: rapid.SampledFrom([]string{"init", "lazy"}).Draw(t, "shmmode"),
		TransportOptimization: TransportOptimizationConfig{
			Enabled: rapid.Bool().Draw(t, "to"), PoolSize: rapid.IntRange(1, math.MaxInt64).Draw(t, "pool"),
			MessageSizeThreshold: genSize(t, "threshold"),
			Messages:             genSubset(t, "messages", []string{"put", "delete", "query", "reply"}),
		},
	}
	if rapid.Bool().Draw(t, "usrpwd") {
		u, p := genText(t, "user", 8), genText(t, "password", 8)
		tr.Auth.UsrPwd = UsrPwdConfig{User: &u, Password: &p, DictionaryFile: genOptString(t, "dict")}
	}
	if rapid.Bool().Draw(t, "keysize") {
		k := genSize(t, "ks")
		tr.Auth.PubKey.KeySize = &k
	}
	tr.Auth.PubKey.PublicKeyPEM = genOptString(t, "pem")
	c.AdminSpace = AdminSpaceConfig{rapid.Bool().Draw(t, "admin"), AdminPermissionsConfig{rapid.Bool().Draw(t, "read"), rapid.Bool().Draw(t, "write")}}
	if rapid.Bool().Draw(t, "ns.set") {
		c.Namespace = Namespace(rapid.SampledFrom([]string{"a", "a/b", "demo/@x/y-z"}).Draw(t, "ns"))
	}
	c.Downsampling = genRaw(t, "downsampling", rawArray)
	c.Plugins = genRaw(t, "plugins", rawAny)
	return c
}
