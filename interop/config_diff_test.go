package interop

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gozenoh/zenoh/config"
	"pgregory.net/rapid"
)

// Differential tests of package config against real Zenoh (eclipse-zenoh 1.10.2), which reads
// the same documents with zenoh.Config.from_json5 in one Python process per test
// (oracle/config_oracle.py).

// cfgOracleTimeout bounds one oracle process, Python start-up included.
const cfgOracleTimeout = 4 * time.Minute

// Divergence classes: the documented differences between config.Parse and Zenoh. A lenient class
// is a document Parse accepts (with a warning) and Zenoh rejects; a strict class the reverse.
const (
	cfgLenientBareWord      = "lenient/bare-word"      // `mode: peer`: an unquoted word where a string is expected
	cfgLenientLegacyMatcher = "lenient/legacy-matcher" // autoconnect: "router|peer", Zenoh 0.x's form
	cfgLenientUnknownKey    = "lenient/unknown-key"    // a key Zenoh does not know is ignored
	cfgLenientRawSection    = "lenient/raw-section"    // sections kept as written are not validated
	cfgStrictIntRange       = "strict/int-range"       // Zenoh saturates integers out of the field's range
	cfgStrictIntFraction    = "strict/int-fraction"    // Zenoh truncates fractions in integer fields
	cfgStrictNonFinite      = "strict/non-finite"      // Zenoh stores NaN/Infinity as 0 or the maximum
	cfgStrictTTL            = "strict/ttl"             // a multicast TTL above 255 cannot be set
	cfgStrictZero           = "strict/zero"            // a zero lease, keep_alive or batch_size cannot work
	cfgStrictUnicastScout   = "strict/unicast-scout"   // a scouting address that is not multicast
	cfgStrictPositional     = "strict/positional"      // serde's array form of an object: `scouting: []`
	cfgStrictIDSign         = "strict/id-sign"         // an id with a leading '+', which Zenoh drops
	cfgStrictUnicode        = "strict/unicode-version" // a letter Unicode assigned after Go's tables
)

// cfgRandom marks a randomly mutated document. Where Parse accepts it and Zenoh does not, Parse
// must have warned and Zenoh must accept Parse's reading of it written out by MarshalJSON5, or
// the difference must lie only in sections kept as written (cfgLenientRawSection).
const cfgRandom = "random"

// cfgDivergences documents each class with an example; TestConfigParseAgreesWithZenoh checks
// every example against real Zenoh along with the generated corpus.
var cfgDivergences = []struct{ class, why, example, equiv string }{
	{cfgLenientBareWord, "the Stalwart documentation's `mode: peer` is no JSON5; read as the string, with a warning",
		`{mode: peer}`, `{mode: "peer"}`},
	{cfgLenientLegacyMatcher, "autoconnect/target as a \"router|peer\" string (older Zenoh); read as the list, with a warning",
		`{scouting: {multicast: {autoconnect: "router|peer"}}}`, `{scouting: {multicast: {autoconnect: ["router", "peer"]}}}`},
	{cfgLenientUnknownKey, "a misspelt key fails the whole file in Zenoh; Parse ignores it with a warning naming its path",
		`{scouting: {multicast: {enabeld: false}}}`, `{}`},
	{cfgLenientRawSection, "access_control, qos, aggregation, downsampling, low_pass_filter, stats, plugins_loading, " +
		"routing/router/linkstate/transport_weights and gateway/south lists are kept as written, not validated",
		`{aggregation: {subscribers: [5]}}`, ``},
	{cfgStrictIntRange, "`lease: -5` is 0 in Zenoh, `batch_size: 70000` is 65535", `{transport: {link: {tx: {lease: -5}}}}`, ``},
	{cfgStrictIntFraction, "`lease: 1.9` is 1 in Zenoh", `{transport: {link: {tx: {lease: 1.9}}}}`, ``},
	{cfgStrictNonFinite, "`lease: NaN` is 0 in Zenoh, Infinity the maximum; a NaN retry factor is kept",
		`{transport: {link: {tx: {lease: NaN}}}}`, ``},
	{cfgStrictTTL, "Zenoh accepts any u32 TTL, which the socket option then rejects", `{scouting: {multicast: {ttl: 256}}}`, ``},
	{cfgStrictZero, "a zero lease or keep_alive makes keep-alives spin; a zero batch carries nothing",
		`{transport: {link: {tx: {keep_alive: 0}}}}`, ``},
	{cfgStrictUnicastScout, "scouting/multicast/address must be a multicast group", `{scouting: {multicast: {address: "10.0.0.1:7446"}}}`, ``},
	{cfgStrictPositional, "serde reads an array as the struct's fields in order (`scouting: [3000]` sets the timeout)",
		`{scouting: []}`, ``},
	{cfgStrictIDSign, "Zenoh reads id \"+a\" as \"a\"", `{id: "+a"}`, ``},
	{cfgStrictUnicode, "unquoted keys may use Unicode letters; Go's tables (Unicode " + unicode.Version +
		") lack those assigned since, which Zenoh's newer tables have (quoted keys are not affected)",
		"{metadata: {\u088f: 1}}", ``},
}

// cfgRequest is one question to the oracle.
type cfgRequest struct {
	Doc      string `json:"doc,omitempty"`
	Defaults bool   `json:"defaults,omitempty"`
	Quiet    bool   `json:"quiet,omitempty"` // acceptance only, no configuration back
}

// cfgAnswer is Zenoh's reading of a document: str(config) when accepted.
type cfgAnswer struct {
	OK   bool   `json:"ok"`
	JSON string `json:"json"`
	Err  string `json:"err"`
}

// cfgOracle is one Python process reading configurations with real Zenoh.
type cfgOracle struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr *cfgTail
	cancel context.CancelFunc
}

// cfgTail keeps the end of the oracle's stderr for failure messages.
type cfgTail struct{ b []byte }

func (w *cfgTail) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	if len(w.b) > 8<<10 {
		w.b = w.b[len(w.b)-8<<10:]
	}
	return len(p), nil
}

func startCfgOracle(t *testing.T) *cfgOracle {
	t.Helper()
	py := Python(t)
	ctx, cancel := context.WithTimeout(context.Background(), cfgOracleTimeout)
	cmd := exec.CommandContext(ctx, py, filepath.Join("oracle", "config_oracle.py"))
	cmd.Env = append(os.Environ(), "RUST_BACKTRACE=0", "RUST_LOG=off")
	o := &cfgOracle{cmd: cmd, stderr: &cfgTail{}, cancel: cancel}
	cmd.Stderr = o.stderr
	var err error
	if o.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	o.out = bufio.NewScanner(stdout)
	o.out.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = o.stdin.Close()
		_ = cmd.Wait()
		cancel()
	})
	return o
}

// ask sends reqs and returns Zenoh's answers in order. Requests are written by a goroutine while
// answers are read, so that neither pipe fills up.
func (o *cfgOracle) ask(reqs []cfgRequest) ([]cfgAnswer, error) {
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(o.stdin)
		enc := json.NewEncoder(w)
		for _, r := range reqs {
			if err := enc.Encode(r); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	out := make([]cfgAnswer, 0, len(reqs))
	for len(out) < len(reqs) && o.out.Scan() {
		var a cfgAnswer
		if err := json.Unmarshal(o.out.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("oracle answer %d: %v: %.200s", len(out), err, o.out.Text())
		}
		out = append(out, a)
	}
	if err := <-werr; err != nil {
		return nil, fmt.Errorf("writing to the oracle: %v; stderr: %s", err, o.stderr.b)
	}
	if len(out) < len(reqs) {
		return nil, fmt.Errorf("oracle answered %d of %d (%v); stderr: %s", len(out), len(reqs), o.out.Err(), o.stderr.b)
	}
	return out, nil
}

// cfgDecode reads JSON keeping numbers exact.
func cfgDecode(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// cfgAt returns the value at a key path; below a null the value is null.
func cfgAt(v any, key string) (any, bool) {
	for _, seg := range strings.Split(key, "/") {
		if v == nil {
			return nil, true
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

// cfgEqual compares JSON values, numbers by value (2 equals 2.0).
func cfgEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, _, err1 := big.ParseFloat(string(x), 10, 256, big.ToNearestEven)
		fy, _, err2 := big.ParseFloat(string(y), 10, 256, big.ToNearestEven)
		return err1 == nil && err2 == nil && fx.Cmp(fy) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !cfgEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !cfgEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

// cfgNotCompared are keys whose values are not compared: sections kept as written (Zenoh fills
// in their defaults), and TLS secrets, which Zenoh never prints.
func cfgNotCompared(key string) bool {
	switch key {
	case "aggregation", "qos", "downsampling", "access_control", "low_pass_filter", "stats",
		"plugins_loading", "routing/router/linkstate/transport_weights", "gateway/south":
		return true
	}
	return strings.HasSuffix(key, "_base64")
}

// cfgDiff lists the keys where our configuration differs from Zenoh's reading (zenohJSON). A key
// Zenoh reports as null is unset there and takes Zenoh's built-in default, which ours must hold.
func cfgDiff(ours config.Config, zenohJSON string) []string {
	ov, err1 := cfgDecode(ours.String())
	zv, err2 := cfgDecode(zenohJSON)
	dv, err3 := cfgDecode(config.DefaultConfig().String())
	if err := errors.Join(err1, err2, err3); err != nil {
		return []string{err.Error()}
	}
	var diffs []string
	for _, k := range config.Keys() {
		if cfgNotCompared(k) {
			continue
		}
		z, ok := cfgAt(zv, k)
		if !ok {
			diffs = append(diffs, k+": Zenoh has no such key")
			continue
		}
		o, _ := cfgAt(ov, k)
		want := z
		if z == nil {
			want, _ = cfgAt(dv, k)
		}
		if !cfgEqual(o, want) {
			ob, _ := json.Marshal(o)
			zb, _ := json.Marshal(z)
			diffs = append(diffs, fmt.Sprintf("%s: ours %s, Zenoh %s", k, ob, zb))
		}
	}
	return diffs
}

// wantUnsetInZenoh are the keys zenoh.Config() leaves null, applying a built-in default (or none)
// when it uses them; config.DefaultConfig holds those defaults explicitly.
var wantUnsetInZenoh = []string{
	"id", "metadata", "mode", "region_name", "gateway/south",
	"connect/timeout_ms", "connect/exit_on_failure", "connect/retry/period_init_ms",
	"connect/retry/period_max_ms", "connect/retry/period_increase_factor",
	"listen/timeout_ms", "listen/exit_on_failure", "listen/retry/period_init_ms",
	"listen/retry/period_max_ms", "listen/retry/period_increase_factor",
	"open/return_conditions/connect_scouted", "open/return_conditions/declares",
	"scouting/timeout", "scouting/delay", "scouting/multicast/enabled", "scouting/multicast/address",
	"scouting/multicast/interface", "scouting/multicast/ttl", "scouting/multicast/autoconnect",
	"scouting/multicast/autoconnect_strategy", "scouting/multicast/listen", "scouting/gossip/enabled",
	"scouting/gossip/multihop", "scouting/gossip/target", "scouting/gossip/autoconnect",
	"scouting/gossip/autoconnect_strategy", "timestamping/enabled", "timestamping/drop_future_timestamp",
	"queries_default_timeout", "routing/interests/timeout", "transport/link/protocols",
	"transport/link/tls/root_ca_certificate", "transport/link/tls/listen_private_key",
	"transport/link/tls/listen_certificate", "transport/link/tls/enable_mtls",
	"transport/link/tls/connect_private_key", "transport/link/tls/connect_certificate",
	"transport/link/tls/verify_name_on_connect", "transport/link/tls/close_link_on_expiration",
	"transport/link/tls/so_sndbuf", "transport/link/tls/so_rcvbuf", "transport/link/tcp/so_sndbuf",
	"transport/link/tcp/so_rcvbuf", "transport/link/unixpipe/file_access_mask",
	"transport/auth/usrpwd/user", "transport/auth/usrpwd/password", "transport/auth/usrpwd/dictionary_file",
	"transport/auth/pubkey/public_key_pem", "transport/auth/pubkey/private_key_pem",
	"transport/auth/pubkey/public_key_file", "transport/auth/pubkey/private_key_file",
	"transport/auth/pubkey/key_size", "transport/auth/pubkey/known_keys_file", "namespace",
}

// cfgLeaves lists the leaf paths of a JSON object (empty objects and non-objects are leaves).
func cfgLeaves(v any, prefix string, out *[]string) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		*out = append(*out, prefix)
		return
	}
	for k, c := range m {
		p := k
		if prefix != "" {
			p = prefix + "/" + k
		}
		cfgLeaves(c, p, out)
	}
}

// TestConfigDefaultsMatchZenoh compares config.DefaultConfig with real Zenoh's defaults key by
// key: keys Zenoh gives a value must be equal; keys Zenoh leaves unset must be the expected ones,
// and Zenoh must read our explicit default back unchanged. Every key of Zenoh's configuration
// must be one we model (or lie inside a section we keep as written).
func TestConfigDefaultsMatchZenoh(t *testing.T) {
	o := startCfgOracle(t)
	def := config.DefaultConfig()
	doc, err := def.MarshalJSON5()
	if err != nil {
		t.Fatal(err)
	}
	ans, err := o.ask([]cfgRequest{{Defaults: true}, {Doc: string(doc)}})
	if err != nil {
		t.Fatal(err)
	}
	if !ans[0].OK || !ans[1].OK {
		t.Fatalf("Zenoh: defaults %q; our default document rejected: %q", ans[0].Err, ans[1].Err)
	}
	zdef, err1 := cfgDecode(ans[0].JSON)
	zexp, err2 := cfgDecode(ans[1].JSON)
	ours, err3 := cfgDecode(def.String())
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	var equal, unset []string
	for _, k := range config.Keys() {
		if strings.HasSuffix(k, "_base64") {
			continue // secrets: Zenoh accepts them and never prints them
		}
		z, ok := cfgAt(zdef, k)
		if !ok {
			t.Errorf("%s: Zenoh %s has no such key", k, WantZenohVersion)
			continue
		}
		o, _ := cfgAt(ours, k)
		if z != nil {
			if !cfgEqual(o, z) {
				ob, _ := json.Marshal(o)
				zb, _ := json.Marshal(z)
				t.Errorf("%s: our default %s, Zenoh's %s", k, ob, zb)
			}
			equal = append(equal, k)
			continue
		}
		unset = append(unset, k)
		if e, _ := cfgAt(zexp, k); !cfgEqual(o, e) {
			ob, _ := json.Marshal(o)
			eb, _ := json.Marshal(e)
			t.Errorf("%s: our explicit default %s reads back in Zenoh as %s", k, ob, eb)
		}
	}
	if got, want := strings.Join(unset, " "), strings.Join(wantUnsetInZenoh, " "); got != want {
		t.Errorf("keys Zenoh leaves unset:\n got %s\nwant %s", got, want)
	}
	var zleaves, unmodelled []string
	cfgLeaves(zdef, "", &zleaves)
	keys := config.Keys()
	for _, l := range zleaves {
		covered := false
		for _, k := range keys {
			if l == k || strings.HasPrefix(l, k+"/") || strings.HasPrefix(k, l+"/") {
				covered = true
				break
			}
		}
		if !covered {
			unmodelled = append(unmodelled, l)
		}
	}
	if len(unmodelled) > 0 {
		sort.Strings(unmodelled)
		t.Errorf("keys of Zenoh %s that config does not model: %v", WantZenohVersion, unmodelled)
	}
	t.Logf("%d keys: %d equal to Zenoh's defaults, %d unset in Zenoh and read back unchanged from our explicit defaults; "+
		"%d leaves in Zenoh's configuration, %d not modelled", len(keys), len(equal), len(unset), len(zleaves), len(unmodelled))
}

// cfgCase is one document of the differential corpus.
type cfgCase struct {
	doc   string
	class string // "" (Parse and Zenoh must agree) or a divergence class
	path  string // the key the case is about
	equiv string // lenient classes: a document Zenoh reads as Parse should read doc ("" for none)
}

// cfgV is one value of a key, with its expected class.
type cfgV struct{ v, class, equiv string }

// cfgNest returns a document setting path to the JSON5 text value.
func cfgNest(path, value string) string {
	segs := strings.Split(path, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		value = "{" + segs[i] + ": " + value + "}"
	}
	return value
}

// cfgIntKind describes a typed integer key, which Zenoh reads through f64 with a saturating cast.
type cfgIntKind struct {
	lo, hi   float64 // range of the Rust type
	min, max string  // range the key accepts in Parse, exactly
	zmin     float64 // smallest value Zenoh's validators accept (queue sizes 1, pool size 1)
	zmax     float64 // largest value Zenoh's validators accept
	optional bool    // null keeps the default
	zeroWhy  bool    // a zero is rejected by Parse only (strict/zero)
	ttl      bool
}

var cfgIntLiterals = []string{
	"0", "1", "7", "16", "17", "255", "256", "65535", "65536", "0x10", "0xFFFFFFFF", "+5", "1e3", "5.", "2.0", "-0",
	"-5", "1.5", ".5", "-0.5", "NaN", "-NaN", "Infinity", "-Infinity", "1e400", "-0x10", "0x100000000", "+Infinity",
	"4294967296", "18446744073709551615", "18446744073709551616", "-9223372036854775809", "1e19",
}

// cfgIntCases returns the cases of a typed integer key, classified from Zenoh's documented
// behaviour (a saturating f64 cast, then its validators) and Parse's (finite, integral, in range).
func cfgIntCases(path string, k cfgIntKind) []cfgCase {
	var out []cfgCase
	for _, lit := range cfgIntLiterals {
		var f float64
		zenohParses := true
		switch lit {
		case "NaN", "-NaN":
			f = math.NaN()
		case "Infinity":
			f = math.Inf(1)
		case "-Infinity":
			f = math.Inf(-1)
		case "-0x10", "0x100000000", "1e400", "+Infinity":
			zenohParses = false
		default:
			if strings.HasPrefix(lit, "0x") {
				u, _ := strconv.ParseUint(lit[2:], 16, 32)
				f = float64(u)
			} else {
				f, _ = strconv.ParseFloat(lit, 64)
			}
		}
		class := ""
		if zenohParses {
			z := f // the saturating cast
			switch {
			case math.IsNaN(z):
				z = 0
			case z < k.lo:
				z = k.lo
			case z > k.hi:
				z = k.hi
			default:
				z = math.Trunc(z)
			}
			zenohAccepts := z >= k.zmin && z <= k.zmax
			finite := !math.IsNaN(f) && !math.IsInf(f, 0)
			exact, ok := new(big.Rat).SetString(lit) // Parse reads plain literals exactly
			if strings.HasPrefix(lit, "0x") {
				exact, ok = new(big.Rat).SetFloat64(f), true
			}
			lo, _ := new(big.Rat).SetString(k.min)
			hi, _ := new(big.Rat).SetString(k.max)
			oursAccepts := finite && ok && exact.IsInt() && exact.Cmp(lo) >= 0 && exact.Cmp(hi) <= 0
			if zenohAccepts && !oursAccepts {
				switch {
				case !finite:
					class = cfgStrictNonFinite
				case f != math.Trunc(f):
					class = cfgStrictIntFraction
				case f == 0 && k.zeroWhy:
					class = cfgStrictZero
				case k.ttl && f > 255 && f <= k.hi:
					class = cfgStrictTTL
				default:
					class = cfgStrictIntRange
				}
			}
			if oursAccepts && !zenohAccepts {
				class = "impossible: Parse accepts what Zenoh rejects"
			}
		}
		out = append(out, cfgCase{doc: cfgNest(path, lit), class: class, path: path})
	}
	for _, v := range []string{`"5"`, `true`, `[]`, `{}`, `five`, `[5]`} {
		out = append(out, cfgCase{doc: cfgNest(path, v), path: path})
	}
	out = append(out, cfgCase{doc: cfgNest(path, "null"), path: path})
	return out
}

// cfgKeyValues gives, per key of a given kind, values with their expected class.
var cfgKeyValues = map[string][]cfgV{
	"zid": {{v: `"1"`}, {v: `"a0"`}, {v: `"ffffffffffffffffffffffffffffffff"`}, {v: `"0"`}, {v: `"01"`}, {v: `"ABC"`},
		{v: `"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`}, {v: `""`}, {v: `"xyz"`}, {v: `"-a"`}, {v: `5`}, {v: `null`},
		{v: `"+a"`, class: cfgStrictIDSign}, {v: `abc`, class: cfgLenientBareWord, equiv: `"abc"`}, {v: `xyz`, class: cfgLenientBareWord, equiv: `"xyz"`}},
	"mode": {{v: `"router"`}, {v: `"client"`}, {v: `"peer"`}, {v: `"Peer"`}, {v: `""`}, {v: `1`}, {v: `null`}, {v: `["peer"]`},
		{v: `client`, class: cfgLenientBareWord, equiv: `"client"`}, {v: `bogus`, class: cfgLenientBareWord, equiv: `"bogus"`}},
	"region": {{v: `"r1"`}, {v: `"` + strings.Repeat("a", 32) + `"`}, {v: `"` + strings.Repeat("a", 33) + `"`},
		{v: `"` + strings.Repeat("é", 16) + `"`}, {v: `"` + strings.Repeat("é", 17) + `"`}, {v: `""`}, {v: `5`}, {v: `null`}, {v: `"a b/c"`}},
	"namespace": {{v: `"a/b"`}, {v: `"a"`}, {v: `"@x/y"`}, {v: `"a-b_c.d"`}, {v: `"a/*"`}, {v: `"a/**"`}, {v: `"*"`}, {v: `""`},
		{v: `"a//b"`}, {v: `"/a"`}, {v: `"a/"`}, {v: `"a$b"`}, {v: `"a/$*"`}, {v: `"a?b"`}, {v: `"a#b"`}, {v: `"a*"`}, {v: `null`}, {v: `5`}},
	"any": {{v: `{a: 1}`}, {v: `5`}, {v: `"x"`}, {v: `[1, {b: null}, 2.5, -0x1]`}, {v: `{a: 1, a: 2}`}, {v: `{a: 12345678901234567890}`},
		{v: `{a: NaN, b: Infinity}`}, {v: `{a: 0x100000000}`}, {v: `{a: +NaN}`}, {v: `{a: 1e400}`}, {v: `{a: 1e-400}`}, {v: `null`},
		{v: `{a: "\x41\0\v"}`}, {v: `{é: "ü", "a-b": [], 'c': {}}`}, {v: `{a: b}`, class: cfgLenientBareWord, equiv: `{a: "b"}`}},
	"south": {{v: `"auto"`}, {v: `[]`}, {v: `"foo"`}, {v: `5`}, {v: `null`}, {v: `{}`}, {v: `[{filters: []}]`},
		{v: `[{bogus: 1}]`, class: cfgLenientRawSection}},
	"md-i64": {{v: `5`}, {v: `-1`}, {v: `0x10`}, {v: `{router: 1, peer: -1}`}, {v: `{}`}, {v: `{peer: null}`}, {v: `1.5`}, {v: `1e3`},
		{v: `1.0`}, {v: `99999999999999999999`}, {v: `-9223372036854775808`}, {v: `-0x10`}, {v: `"5"`}, {v: `true`}, {v: `null`}, {v: `[]`},
		{v: `NaN`}, {v: `+5`}, {v: `{peer: 1, peer: 2}`}, {v: `{foo: 1}`, class: cfgLenientUnknownKey, equiv: `{}`}},
	"md-f64": {{v: `2`}, {v: `1.5`}, {v: `-1`}, {v: `0x10`}, {v: `1e3`}, {v: `.5`}, {v: `{peer: 3.5}`}, {v: `"x"`}, {v: `null`}, {v: `1e400`},
		{v: `NaN`, class: cfgStrictNonFinite}, {v: `Infinity`, class: cfgStrictNonFinite}, {v: `{client: -Infinity}`, class: cfgStrictNonFinite}},
	"md-f64-entry": {{v: `2`}, {v: `1.5`}, {v: `1e3`}, {v: `0x10`}, {v: `null`}, {v: `"x"`}, {v: `1e400`}, {v: `+Infinity`},
		{v: `NaN`, class: cfgStrictNonFinite}, {v: `-Infinity`, class: cfgStrictNonFinite}},
	"md-bool": {{v: `true`}, {v: `false`}, {v: `{router: true}`}, {v: `{}`}, {v: `{client: null}`}, {v: `1`}, {v: `"true"`}, {v: `null`},
		{v: `{peer: "yes"}`}, {v: `{peer: true, peer: false}`}, {v: `[]`}, {v: `yes`},
		{v: `{peers: true}`, class: cfgLenientUnknownKey, equiv: `{}`}},
	"md-matcher": {{v: `["router"]`}, {v: `[]`}, {v: `["peer", "peer"]`}, {v: `{router: [], peer: ["client"]}`}, {v: `["Router"]`},
		{v: `[1]`}, {v: `5`}, {v: `null`}, {v: `{peer: null}`}, {v: `"bogus"`}, {v: `"router|bogus"`},
		{v: `"router|peer"`, class: cfgLenientLegacyMatcher, equiv: `["router", "peer"]`},
		{v: `"router"`, class: cfgLenientLegacyMatcher, equiv: `["router"]`},
		{v: `""`, class: cfgLenientLegacyMatcher, equiv: `[]`},
		{v: `{peer: "peer | client"}`, class: cfgLenientLegacyMatcher, equiv: `{peer: ["peer", "client"]}`},
		{v: `[router, client]`, class: cfgLenientBareWord, equiv: `["router", "client"]`}},
	"md-endpoints": {{v: `[]`}, {v: `["tcp/127.0.0.1:7447"]`}, {v: `["tcp/a:1?b=2;a=1#z=1;y=2"]`}, {v: `["tcp/a:1?b=2;;a#z"]`},
		{v: `{router: ["tcp/[::]:7447"], client: []}`}, {v: `["tcp"]`}, {v: `["tcp/"]`}, {v: `["/x"]`}, {v: `["tcp/a:1?"]`},
		{v: `["tcp/a:1#"]`}, {v: `["tcp/a:1?=x"]`}, {v: `["tcp/a:1?;;"]`}, {v: `["tcp/a:1#b=2?a=1"]`}, {v: `["tcp?x/a:1"]`},
		{v: `["tcp/a/b"]`}, {v: `"tcp/a:1"`}, {v: `[{strategy: "allOf", locators: []}]`}, {v: `null`}, {v: `{peer: null}`}, {v: `[5]`},
		{v: `["udp/224.0.0.1:7447#iface=lo"]`}},
	"md-groups": {{v: `[]`}, {v: `["tcp/127.0.0.1:7447", "udp/[::1]:1"]`}, {v: `[{strategy: "allOf", locators: ["tcp/a:1", "tcp/b:2"]}]`},
		{v: `[{strategy: "oneOf", locators: []}]`}, {v: `[{locators: []}]`}, {v: `[{strategy: "allOf"}]`}, {v: `[{strategy: "any", locators: []}]`},
		{v: `[{strategy: "allOf", locators: ["tcp/a:1"], x: 1}]`}, {v: `{peer: [{strategy: "allOf", locators: ["tcp/a:1"]}, "udp/b:2"]}`},
		{v: `[{strategy: "allOf", locators: ["bad"]}]`}, {v: `["bad"]`}, {v: `null`}, {v: `[5]`}, {v: `"tcp/a:1"`}},
	"strategy": {{v: `"always"`}, {v: `"greater-zid"`}, {v: `{to_router: "greater-zid"}`}, {v: `{peer: {to_router: "greater-zid", to_peer: "always"}}`},
		{v: `{peer: "always"}`}, {v: `{peer: 5}`}, {v: `{to_foo: "always"}`}, {v: `{peer: {to_foo: "always"}}`}, {v: `{to_router: 5}`},
		{v: `"never"`}, {v: `5`}, {v: `[]`}, {v: `null`}, {v: `{}`}, {v: `{peer: {}}`}, {v: `{to_router: null}`}, {v: `{peer: "always", peer: "greater-zid"}`},
		{v: `{to_client: "always", peer: "greater-zid"}`}, {v: `{peer: {to_router: "always"}, foo: 1}`}, {v: `{peer: "greater-zid", router: {to_peer: "always"}}`},
		{v: `always`, class: cfgLenientBareWord, equiv: `"always"`}, {v: `{peer: greater-zid}`, class: cfgLenientBareWord, equiv: `{peer: "greater-zid"}`}},
	"opt-bool": {{v: `true`}, {v: `false`}, {v: `null`}, {v: `1`}, {v: `"true"`}, {v: `yes`}, {v: `[]`}},
	"bool":     {{v: `true`}, {v: `false`}, {v: `null`}, {v: `0`}, {v: `"false"`}},
	"opt-string": {{v: `"lo"`}, {v: `"auto"`}, {v: `""`}, {v: `"x\ty\u00e9"`}, {v: `5`}, {v: `null`}, {v: `[]`},
		{v: `eth0`, class: cfgLenientBareWord, equiv: `"eth0"`}},
	"opt-sockaddr": {{v: `"224.0.0.224:7446"`}, {v: `"239.255.0.1:1"`}, {v: `"[ff02::1]:7446"`}, {v: `"[ff02::1%1]:7446"`},
		{v: `"224.0.0.224:07446"`}, {v: `"[::ffff:224.0.0.1]:7446"`}, {v: `"[FF02::1%01]:7446"`}, {v: `"[ff02::1%4294967296]:1"`},
		{v: `"[224.0.0.1]:80"`}, {v: `"224.0.0.1:"`}, {v: `"224.0.0.224"`}, {v: `"localhost:7446"`},
		{v: `"[ff02::1%lo]:7446"`}, {v: `"224.0.0.224:99999"`}, {v: `"ff02::1:7446"`}, {v: `"224.0.0.224:+7446"`}, {v: `"0224.0.0.1:1"`},
		{v: `5`}, {v: `null`}, {v: `"10.0.0.1:7446", `, class: cfgStrictUnicastScout}, {v: `"[::1]:7446"`, class: cfgStrictUnicastScout},
		{v: `"127.0.0.1:7446"`, class: cfgStrictUnicastScout}},
	"opt-strlist": {{v: `["tcp"]`}, {v: `[]`}, {v: `null`}, {v: `[5]`}, {v: `"tcp"`}, {v: `[tcp, udp]`, class: cfgLenientBareWord, equiv: `["tcp", "udp"]`}},
	"bits":        {{v: `"8bit"`}, {v: `"16bit"`}, {v: `"32bit"`}, {v: `"64bit"`}, {v: `"7bit"`}, {v: `null`}, {v: `32`}, {v: `"32"`}},
	"enum-mode": {{v: `"init"`}, {v: `"lazy"`}, {v: `"eager"`}, {v: `"Init"`}, {v: `null`}, {v: `1`},
		{v: `lazy`, class: cfgLenientBareWord, equiv: `"lazy"`}},
	"messages": {{v: `["put"]`}, {v: `[]`}, {v: `["delete", "reply", "query"]`}, {v: `["get"]`}, {v: `"put"`}, {v: `null`},
		{v: `[put, delete]`, class: cfgLenientBareWord, equiv: `["put", "delete"]`}},
	"usrpwd": {{v: `{user: "u", password: "p"}`}, {v: `{user: "u"}`}, {v: `{password: "p"}`}, {v: `{user: null, password: null}`},
		{v: `{dictionary_file: "f"}`}, {v: `{user: 5, password: "p"}`}, {v: `{user: "u", password: "p", dictionary_file: null}`}},
	"raw-object": {{v: `{}`}, {v: `5`}, {v: `null`}, {v: `"x"`}, {v: `[]`, class: cfgStrictPositional},
		{v: `{bogus: 1}`, class: cfgLenientRawSection}},
	"raw-array": {{v: `[]`}, {v: `{}`}, {v: `5`}, {v: `null`}, {v: `[5]`, class: cfgLenientRawSection}},
	"raw-any":   {{v: `{}`}, {v: `5`}, {v: `{rest: {http_port: 8000}}`}, {v: `[1]`}},
}

const (
	u64Max  = float64(math.MaxUint64)
	i64Min  = float64(math.MinInt64)
	i64Max  = float64(math.MaxInt64)
	u64MaxS = "18446744073709551615"
	i64MinS = "-9223372036854775808"
	i64MaxS = "9223372036854775807" // also Parse's bound for Rust usize fields (Go int)
	u32MaxS = "4294967295"
	u32Max  = float64(math.MaxUint32)
	u16MaxS = "65535"
)

// cfgIntKinds are the typed integer kinds.
var cfgIntKinds = map[string]cfgIntKind{
	"u64":        {lo: 0, hi: u64Max, min: "0", max: u64MaxS, zmin: 0, zmax: u64Max},
	"opt-u64":    {lo: 0, hi: u64Max, min: "0", max: u64MaxS, zmin: 0, zmax: u64Max, optional: true},
	"lease":      {lo: 0, hi: u64Max, min: "1", max: u64MaxS, zmin: 0, zmax: u64Max, zeroWhy: true},
	"usize":      {lo: 0, hi: u64Max, min: "0", max: i64MaxS, zmin: 0, zmax: u64Max},
	"opt-usize":  {lo: 0, hi: u64Max, min: "0", max: i64MaxS, zmin: 0, zmax: u64Max, optional: true},
	"keep-alive": {lo: 0, hi: u64Max, min: "1", max: i64MaxS, zmin: 0, zmax: u64Max, zeroWhy: true},
	"qsize":      {lo: 0, hi: u64Max, min: "1", max: "16", zmin: 1, zmax: 16},
	"pool":       {lo: 0, hi: u64Max, min: "1", max: i64MaxS, zmin: 1, zmax: u64Max},
	"batch":      {lo: 0, hi: 65535, min: "1", max: u16MaxS, zmin: 0, zmax: 65535, zeroWhy: true},
	"ttl":        {lo: 0, hi: u32Max, min: "0", max: "255", zmin: 0, zmax: u32Max, optional: true, ttl: true},
	"opt-u32":    {lo: 0, hi: u32Max, min: "0", max: u32MaxS, zmin: 0, zmax: u32Max, optional: true},
	"i64":        {lo: i64Min, hi: i64Max, min: i64MinS, max: i64MaxS, zmin: i64Min, zmax: i64Max},
	// per-mode entries of mode-dependent integers are read with the typed rules
	"md-i64-entry": {lo: i64Min, hi: i64Max, min: i64MinS, max: i64MaxS, zmin: i64Min, zmax: i64Max, optional: true},
}

// cfgKeyKinds gives the kind of every key the corpus mutates.
var cfgKeyKinds = [][2]string{
	{"id", "zid"}, {"mode", "mode"}, {"region_name", "region"}, {"namespace", "namespace"}, {"metadata", "any"},
	{"gateway/south", "south"},
	{"connect/timeout_ms", "md-i64"}, {"connect/endpoints", "md-groups"}, {"connect/exit_on_failure", "md-bool"},
	{"connect/retry/period_init_ms", "md-i64"}, {"connect/retry/period_max_ms", "md-i64"}, {"connect/retry/period_increase_factor", "md-f64"},
	{"listen/timeout_ms", "md-i64"}, {"listen/endpoints", "md-endpoints"}, {"listen/exit_on_failure", "md-bool"},
	{"listen/retry/period_init_ms", "md-i64"}, {"listen/retry/period_increase_factor", "md-f64"},
	{"connect/timeout_ms/peer", "md-i64-entry"}, {"listen/retry/period_max_ms/client", "md-i64-entry"},
	{"connect/retry/period_increase_factor/router", "md-f64-entry"},
	{"open/return_conditions/connect_scouted", "opt-bool"}, {"open/return_conditions/declares", "opt-bool"},
	{"scouting/timeout", "opt-u64"}, {"scouting/delay", "opt-u64"},
	{"scouting/multicast/enabled", "opt-bool"}, {"scouting/multicast/address", "opt-sockaddr"},
	{"scouting/multicast/interface", "opt-string"}, {"scouting/multicast/ttl", "ttl"},
	{"scouting/multicast/autoconnect", "md-matcher"}, {"scouting/multicast/autoconnect_strategy", "strategy"},
	{"scouting/multicast/listen", "md-bool"}, {"scouting/gossip/enabled", "opt-bool"}, {"scouting/gossip/multihop", "opt-bool"},
	{"scouting/gossip/target", "md-matcher"}, {"scouting/gossip/autoconnect", "md-matcher"},
	{"scouting/gossip/autoconnect_strategy", "strategy"},
	{"timestamping/enabled", "md-bool"}, {"timestamping/drop_future_timestamp", "opt-bool"},
	{"queries_default_timeout", "opt-u64"}, {"routing/interests/timeout", "opt-u64"},
	{"routing/router/linkstate/transport_weights", "raw-array"},
	{"aggregation", "raw-object"}, {"qos", "raw-object"}, {"access_control", "raw-object"}, {"stats", "raw-object"},
	{"plugins_loading", "raw-object"}, {"downsampling", "raw-array"}, {"low_pass_filter", "raw-array"}, {"plugins", "raw-any"},
	{"transport/unicast/open_timeout", "u64"}, {"transport/unicast/accept_timeout", "u64"},
	{"transport/unicast/accept_pending", "usize"}, {"transport/unicast/max_sessions", "usize"}, {"transport/unicast/max_links", "usize"},
	{"transport/unicast/lowlatency", "bool"}, {"transport/unicast/qos/enabled", "bool"}, {"transport/unicast/compression/enabled", "bool"},
	{"transport/multicast/join_interval", "opt-u64"}, {"transport/multicast/max_sessions", "opt-usize"},
	{"transport/multicast/qos/enabled", "bool"},
	{"transport/link/protocols", "opt-strlist"}, {"transport/link/tx/sequence_number_resolution", "bits"},
	{"transport/link/tx/lease", "lease"}, {"transport/link/tx/keep_alive", "keep-alive"}, {"transport/link/tx/batch_size", "batch"},
	{"transport/link/tx/queue/size/control", "qsize"}, {"transport/link/tx/queue/size/data", "qsize"},
	{"transport/link/tx/queue/congestion_control/drop/wait_before_drop", "i64"},
	{"transport/link/tx/queue/congestion_control/block/wait_before_close", "i64"},
	{"transport/link/tx/queue/batching/enabled", "bool"}, {"transport/link/tx/queue/batching/time_limit", "u64"},
	{"transport/link/tx/queue/allocation/mode", "enum-mode"}, {"transport/link/tx/threads", "usize"},
	{"transport/link/rx/buffer_size", "usize"}, {"transport/link/rx/max_message_size", "usize"},
	{"transport/link/tls/root_ca_certificate", "opt-string"}, {"transport/link/tls/enable_mtls", "opt-bool"},
	{"transport/link/tls/so_sndbuf", "opt-u32"}, {"transport/link/tcp/so_rcvbuf", "opt-u32"},
	{"transport/link/unixpipe/file_access_mask", "opt-u32"},
	{"transport/shared_memory/enabled", "bool"}, {"transport/shared_memory/mode", "enum-mode"},
	{"transport/shared_memory/transport_optimization/pool_size", "pool"},
	{"transport/shared_memory/transport_optimization/message_size_threshold", "usize"},
	{"transport/shared_memory/transport_optimization/messages", "messages"},
	{"transport/auth/usrpwd", "usrpwd"}, {"transport/auth/pubkey/public_key_file", "opt-string"},
	{"transport/auth/pubkey/key_size", "opt-usize"},
	{"adminspace/enabled", "bool"}, {"adminspace/permissions/write", "bool"},
}

// cfgBaseDoc is a realistic router configuration exercising most keys.
const cfgBaseDoc = `{
  mode: "router",
  id: "a1b2c3",
  metadata: {name: "strawberry", location: "Penny Lane"},
  connect: {
    endpoints: ["tcp/192.168.1.1:7447", "tls/example.com:7447?prio=1-7"],
    timeout_ms: {router: -1, peer: -1, client: 0},
    exit_on_failure: {client: true},
    retry: {period_init_ms: 1000, period_max_ms: 4000, period_increase_factor: 2},
  },
  listen: {endpoints: {router: ["tcp/[::]:7447"], peer: ["tcp/[::]:0"]}, timeout_ms: 0, exit_on_failure: true},
  scouting: {
    timeout: 3000,
    delay: 500,
    multicast: {
      enabled: true,
      address: "224.0.0.224:7446",
      interface: "auto",
      ttl: 1,
      autoconnect: {router: [], peer: ["router", "peer"]},
      autoconnect_strategy: {peer: {to_router: "always", to_peer: "greater-zid"}},
      listen: {router: true, peer: true, client: true},
    },
    gossip: {enabled: true, multihop: false, target: {router: ["router", "peer"], peer: ["router", "peer"]}},
  },
  timestamping: {enabled: {router: true, peer: false, client: false}, drop_future_timestamp: false},
  queries_default_timeout: 10000,
  routing: {router: {linkstate: {transport_weights: []}}, interests: {timeout: 10000}},
  transport: {
    unicast: {open_timeout: 10000, accept_timeout: 10000, accept_pending: 100, max_sessions: 1000, max_links: 1, lowlatency: false},
    multicast: {join_interval: 2500, max_sessions: 1000},
    link: {
      tx: {
        sequence_number_resolution: "32bit",
        lease: 10000,
        keep_alive: 4,
        batch_size: 65535,
        queue: {size: {control: 1, real_time: 1, data: 4}, batching: {enabled: true, time_limit: 1}},
      },
      rx: {buffer_size: 65535, max_message_size: 1073741824},
    },
    shared_memory: {enabled: false},
  },
  adminspace: {enabled: true, permissions: {read: true, write: false}},
  plugins: {rest: {http_port: 8000}},
}`

// cfgSyntaxVariants rewrites the base document in the JSON5 forms users write.
func cfgSyntaxVariants() []string {
	b := cfgBaseDoc
	keyRe := func(doc, open, close string) string {
		var out strings.Builder
		for _, line := range strings.Split(doc, "\n") {
			t := strings.TrimLeft(line, " ")
			if i := strings.Index(t, ":"); i > 0 && !strings.ContainsAny(t[:i], `"{[ `) {
				line = line[:len(line)-len(t)] + open + t[:i] + close + t[i:]
			}
			out.WriteString(line + "\n")
		}
		return out.String()
	}
	return []string{
		b,
		keyRe(b, `"`, `"`),
		strings.ReplaceAll(keyRe(b, `'`, `'`), `"`, `'`),
		strings.ReplaceAll(b, "\n", " // comment\n"),
		strings.ReplaceAll(b, ": ", " /* c */ : /* c */ "),
		strings.ReplaceAll(strings.ReplaceAll(b, ",\n}", "\n}"), ",\n  }", "\n  }"),
		strings.ReplaceAll(b, "\n", "\r\n"),
		strings.ReplaceAll(b, "  ", "\t"),
		"\ufeff" + strings.ReplaceAll(b, "\n", "\u00a0\n\u2028"),
		strings.NewReplacer("lease: 10000", "lease: 0x2710", "batch_size: 65535", "batch_size: 0xFFFF", "ttl: 1", "ttl: 0x1").Replace(b),
		strings.NewReplacer("lease: 10000", "lease: +10000", "delay: 500", "delay: 500.", "timeout: 3000", "timeout: 3e3", "ttl: 1", "ttl: 1.0").Replace(b),
		strings.NewReplacer(`"auto"`, `"\u0061uto"`, `"Penny Lane"`, "\"Penny \\\nLane\"", `"a1b2c3"`, `'a1b2c3'`, `"router"`, `"\x72outer"`).Replace(b),
		strings.NewReplacer("\n", "", "  ", "").Replace(b),
		"// header\n/* block\n comment */\n" + b + "\n// trailer",
	}
}

// cfgStructuralCases are documents about structure: nulls, arrays for objects, duplicates,
// unknown keys, deprecated keys, and syntax errors.
func cfgStructuralCases() []cfgCase {
	c := func(doc, class, path, equiv string) cfgCase {
		return cfgCase{doc: doc, class: class, path: path, equiv: equiv}
	}
	return []cfgCase{
		c(`{}`, "", "", ""), c(`[]`, cfgStrictPositional, "", ""), c(`{scouting: []}`, cfgStrictPositional, "scouting", ""),
		c(`{scouting: [3000]}`, cfgStrictPositional, "scouting", ""), c(`{transport: {link: {tx: []}}}`, cfgStrictPositional, "transport/link/tx", ""),
		c(`{scouting: null}`, "", "", ""), c(`{open: null}`, "", "", ""), c(`{transport: {unicast: null}}`, "", "", ""),
		c(`{connect: {retry: null}}`, "", "", ""), c(`{connect: {retry: {}}}`, "", "", ""), c(`{connect: {retry: {foo: 1}}}`, "", "", ""),
		c(`null`, "", "", ""), c(`5`, "", "", ""), c(`"peer"`, "", "", ""), c(``, "", "", ""), c(`  // only a comment`, "", "", ""),
		c(`{mode: "peer", mode: "client"}`, "", "", ""), c(`{scouting: {delay: 1, delay: 2}}`, "", "", ""),
		c(`{"mode": "peer", mode: "peer"}`, "", "", ""), c(`{scouting: {multicast: {}, multicast: {}}}`, "", "", ""),
		c(`{metadata: {a: 1, a: 2}}`, "", "", ""), c(`{plugins: {x: 1, x: {y: 2}}}`, "", "", ""),
		c(`{foo: 1}`, cfgLenientUnknownKey, "foo", `{}`),
		c(`{scouting: {foo: 1, delay: 7}}`, cfgLenientUnknownKey, "scouting/foo", `{scouting: {delay: 7}}`),
		c(`{transport: {link: {tx: {leese: 5}}}}`, cfgLenientUnknownKey, "transport/link/tx/leese", `{transport: {link: {tx: {}}}}`),
		c(`{connect: {timeout_ms: {peers: 5}}}`, cfgLenientUnknownKey, "connect/timeout_ms/peers", `{connect: {timeout_ms: {}}}`),
		c(`{mode: "client", Mode: "router"}`, cfgLenientUnknownKey, "Mode", `{mode: "client"}`),
		c(`{routing: {peer: {mode: "linkstate"}}}`, "", "", ""), c(`{routing: {peer: 5}}`, "", "", ""),
		c(`{routing: {router: {peers_failover_brokering: true}}}`, "", "", ""),
		c(`{routing: {router: {peers_failover_brokering: null}}}`, "", "", ""),
		c(`{routing: {router: {peers_failover_brokering: "yes"}}}`, "", "", ""),
		c(`{mode: "peer"`, "", "", ""), c(`{mode "peer"}`, "", "", ""), c(`{,}`, "", "", ""), c(`{mode: "peer",,}`, "", "", ""),
		c(`{mode: "peer"} x`, "", "", ""), c(`{mode: "peer"}{}`, "", "", ""), c(`{mode: "peer"} /* open`, "", "", ""),
		c(`{metadata: 007}`, "", "", ""), c(`{metadata: 0x}`, "", "", ""), c(`{metadata: +-1}`, "", "", ""), c(`{metadata: .}`, "", "", ""),
		c(`{metadata: "\1"}`, "", "", ""), c(`{metadata: "\x4"}`, "", "", ""), c(`{metadata: "\u12"}`, "", "", ""),
		c("{metadata: \"line\nbreak\"}", "", "", ""), c("{metadata: \"\u2028\"}", "", "", ""), c(`{metadata: "\ud83d"}`, "", "", ""),
		c(`{metadata: "\udc00"}`, "", "", ""), c(`{metadata: "\ud83d\ude00"}`, "", "", ""), c(`{1a: 1}`, "", "", ""),
		c(`{metadata: {ключ: 1, $k_1: 2, _: 3, a‍b: 4}}`, "", "", ""), c(`{\u006dode: "client"}`, "", "", ""),
		c(`{mode/* c */: "client"}`, "", "", ""), c("{mode// c\n: \"client\"}", "", "", ""),
		c("{metadata: \"tab\there\", mode: \"peer\"}", "", "", ""), c("{\u3000mode:\u00a0\"client\"\u000b}", "", "", ""),
		c(`{mode: 'client'}`, "", "", ""), c(`{'mode': "client",}`, "", "", ""),
		c(`{mode: peer, scouting: {multicast: {interface: eth0}}}`, cfgLenientBareWord, "mode",
			`{mode: "peer", scouting: {multicast: {interface: "eth0"}}}`),
		c(`{metadata: nullx}`, cfgLenientBareWord, "metadata", `{metadata: "nullx"}`),
		c(`{metadata: [true, false, null, Infinity, NaN, -Infinity]}`, "", "", ""),
		c(`{mode: "peer"}`+"\x00", "", "", ""), c("{metadata: \"a\\\r\nb\\\rc\\\u2028d\"}", "", "", ""),
	}
}

// cfgRandomMutations returns n documents made from docs by structural edits: a line deleted or
// duplicated, a punctuation character deleted or inserted. They change structure, never key
// names or words, so they stay outside the documented divergences.
func cfgRandomMutations(docs []string, n int, seed uint64) []cfgCase {
	r := rand.New(rand.NewPCG(seed, 0xc0f))
	const punct = "{}[],:\"'/*"
	out := make([]cfgCase, 0, n)
	for len(out) < n {
		doc := docs[r.IntN(len(docs))]
		for edits := 1 + r.IntN(2); edits > 0; edits-- {
			switch r.IntN(4) {
			case 0, 1:
				lines := strings.Split(doc, "\n")
				i := r.IntN(len(lines))
				if r.IntN(2) == 0 {
					lines = append(lines[:i], lines[i+1:]...)
				} else {
					lines = append(lines[:i+1], lines[i:]...)
				}
				doc = strings.Join(lines, "\n")
			case 2:
				var idx []int
				for i := 0; i < len(doc); i++ {
					if strings.IndexByte(punct, doc[i]) >= 0 {
						idx = append(idx, i)
					}
				}
				if len(idx) > 0 {
					i := idx[r.IntN(len(idx))]
					doc = doc[:i] + doc[i+1:]
				}
			default:
				i := r.IntN(len(doc) + 1)
				doc = doc[:i] + string(punct[r.IntN(len(punct))]) + doc[i:]
			}
		}
		out = append(out, cfgCase{doc: doc, class: cfgRandom})
	}
	return out
}

// cfgUnicodeCases put sampled code points in white space and in strings (TestConfigUnicodeKeys
// tries every code point in keys).
func cfgUnicodeCases() []cfgCase {
	var out []cfgCase
	add := func(r rune) {
		if r >= 0xd800 && r <= 0xdfff {
			return
		}
		c := string(r)
		out = append(out, cfgCase{doc: `{metadata: [1` + c + `]}`}, cfgCase{doc: `{metadata: "` + c + `"}`})
	}
	for r := rune(0); r < 0x3000; r += 7 {
		add(r)
	}
	for r := rune(0x3000); r < 0x30000; r += 211 {
		add(r)
	}
	for _, r := range "\t\v\f \u00a0\ufeff\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u0085\u180e$_\u0300\u0660\u203f\u2160\u02b0\u00b7" {
		add(r)
	}
	return out
}

// TestConfigUnicodeKeys tries every code point (but those of the empty planes 4 to 13) as the
// first and as a later character of an unquoted key, with Parse and with Zenoh. They must agree on every code point Go's Unicode
// tables know; Parse must reject the others (cfgStrictUnicode).
func TestConfigUnicodeKeys(t *testing.T) {
	o := startCfgOracle(t)
	var runes []rune
	var reqs []cfgRequest
	for r := rune(0x20); r < 0x110000; r++ {
		if (r >= 0xd800 && r <= 0xdfff) || unicode.Is(unicode.Co, r) || (r >= 0x32000 && r < 0xe0000) {
			continue // surrogates, private use, and planes 4 to 13, which Unicode leaves empty
		}
		runes = append(runes, r)
		reqs = append(reqs, cfgRequest{Doc: `{metadata: {` + string(r) + `a: 1}}`, Quiet: true},
			cfgRequest{Doc: `{metadata: {a` + string(r) + `: 1}}`, Quiet: true})
	}
	answers, err := o.ask(reqs)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	var agree, unknown int
	for i, r := range runes {
		for j := 0; j < 2; j++ {
			_, _, perr := config.Parse([]byte(reqs[2*i+j].Doc))
			switch {
			case (perr == nil) == answers[2*i+j].OK:
				agree++
			case !cfgAssigned(r) && perr != nil:
				unknown++
			default:
				bad = append(bad, fmt.Sprintf("%U in %q: Parse error %v, Zenoh ok=%v", r, reqs[2*i+j].Doc, perr, answers[2*i+j].OK))
			}
		}
	}
	t.Logf("%d code points in keys: %d documents agree; %d rejected by Parse only (unassigned in Go's Unicode %s)",
		len(runes), agree, unknown, unicode.Version)
	if len(bad) > 0 {
		t.Fatalf("%d disagreements:\n%s", len(bad), strings.Join(bad[:min(len(bad), 40)], "\n"))
	}
}

// cfgAssigned reports whether Go's Unicode tables know r (it is not in Cn, unassigned).
func cfgAssigned(r rune) bool { return !unicode.Is(unicode.Categories["Cn"], r) }

// cfgCorpus builds the differential corpus.
func cfgCorpus() []cfgCase {
	var out []cfgCase
	for _, d := range cfgDivergences {
		out = append(out, cfgCase{doc: d.example, class: d.class, equiv: d.equiv, path: cfgFirstKey(d.example)})
	}
	for _, doc := range cfgSyntaxVariants() {
		out = append(out, cfgCase{doc: doc})
	}
	out = append(out, cfgCase{doc: strings.Replace(cfgBaseDoc, `mode: "router"`, `mode: router`, 1), class: cfgLenientBareWord,
		path: "mode", equiv: cfgBaseDoc})
	out = append(out, cfgStructuralCases()...)
	def, _ := config.DefaultConfig().MarshalJSON5()
	out = append(out, cfgRandomMutations([]string{cfgBaseDoc, string(def)}, 400, 1)...)
	out = append(out, cfgUnicodeCases()...)
	for _, kk := range cfgKeyKinds {
		path, kind := kk[0], kk[1]
		if k, ok := cfgIntKinds[kind]; ok {
			out = append(out, cfgIntCases(path, k)...)
			continue
		}
		vals, ok := cfgKeyValues[kind]
		if !ok {
			panic("no values for kind " + kind)
		}
		for _, v := range vals {
			c := cfgCase{doc: cfgNest(path, v.v), class: v.class, path: path}
			if v.equiv != "" {
				c.equiv = cfgNest(path, v.equiv)
			}
			out = append(out, c)
		}
	}
	return out
}

// cfgFirstKey returns the key path of the innermost value of a document built by cfgNest.
func cfgFirstKey(doc string) string {
	var segs []string
	for _, part := range strings.Split(doc, "{")[1:] {
		k, _, ok := strings.Cut(part, ":")
		if !ok {
			break
		}
		segs = append(segs, strings.TrimSpace(k))
	}
	return strings.Join(segs, "/")
}

// cfgWarningKind is the warning a lenient class must produce.
var cfgWarningKind = map[string]config.WarningKind{
	cfgLenientBareWord:      config.WarnBareWord,
	cfgLenientLegacyMatcher: config.WarnLegacyForm,
	cfgLenientUnknownKey:    config.WarnUnknownKey,
}

func cfgHasKind(ws config.Warnings, k config.WarningKind) bool {
	for _, w := range ws {
		if w.Kind == k {
			return true
		}
	}
	return false
}

// TestConfigParseAgreesWithZenoh runs config.Parse and real Zenoh on the same corpus. Outside the
// documented divergences (cfgDivergences) they must agree on accepting or rejecting each
// document, and, when both accept, on the value of every modelled key. A lenient case must be
// rejected by Zenoh and read by Parse as Zenoh reads its equivalent document; a strict case must
// be accepted by Zenoh and rejected by Parse with an error naming the key.
func TestConfigParseAgreesWithZenoh(t *testing.T) {
	o := startCfgOracle(t)
	corpus := cfgCorpus()
	reqs := make([]cfgRequest, 0, 2*len(corpus))
	for _, c := range corpus {
		reqs = append(reqs, cfgRequest{Doc: c.doc})
		if c.equiv != "" {
			reqs = append(reqs, cfgRequest{Doc: c.equiv})
		}
	}
	answers, err := o.ask(reqs)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var bothAccept, bothReject, compared int
	var lenientRandom []cfgLenientCheck
	var bad []string
	next := 0
	for i, c := range corpus {
		z := answers[next]
		next++
		var zeq *cfgAnswer
		if c.equiv != "" {
			zeq = &answers[next]
			next++
		}
		ours, warns, perr := config.Parse([]byte(c.doc))
		fail := func(format string, args ...any) {
			bad = append(bad, fmt.Sprintf("case %d [%s] %.160q: %s", i, c.class, c.doc, fmt.Sprintf(format, args...)))
		}
		counts[c.class]++
		switch {
		case c.class == "":
			if (perr == nil) != z.OK {
				fail("Parse error %v, Zenoh ok=%v %.200s", perr, z.OK, z.Err)
				continue
			}
			if perr != nil {
				bothReject++
				var e *config.Error
				if !errors.As(perr, &e) {
					fail("Parse error %v is not a *config.Error", perr)
				}
				continue
			}
			bothAccept++
			compared++
			for _, d := range cfgDiff(ours, z.JSON) {
				fail("%s", d)
			}
		case c.class == cfgRandom:
			switch {
			case (perr == nil) == z.OK && perr != nil:
				bothReject++
			case (perr == nil) == z.OK:
				bothAccept++
				compared++
				for _, d := range cfgDiff(ours, z.JSON) {
					fail("%s", d)
				}
			case perr == nil:
				lenientRandom = append(lenientRandom, cfgLenientCheck{i: i, ours: ours, warns: warns})
			default:
				fail("Parse error %v, Zenoh accepts", perr)
			}
		case strings.HasPrefix(c.class, "lenient/"):
			if z.OK {
				fail("documented as rejected by Zenoh, which accepts it")
				continue
			}
			if c.class == cfgLenientRawSection {
				if perr != nil {
					fail("Parse rejects a section it keeps as written: %v", perr)
				}
				continue
			}
			if zeq == nil {
				fail("no equivalent document")
				continue
			}
			if (perr == nil) != zeq.OK {
				fail("Parse error %v, but Zenoh on the equivalent %q: ok=%v %.200s", perr, c.equiv, zeq.OK, zeq.Err)
				continue
			}
			if perr != nil {
				continue
			}
			compared++
			if !cfgHasKind(warns, cfgWarningKind[c.class]) {
				fail("no %v warning in %v", cfgWarningKind[c.class], warns)
			}
			for _, d := range cfgDiff(ours, zeq.JSON) {
				fail("against the equivalent document: %s", d)
			}
		case c.class == cfgStrictUnicode:
			if perr == nil {
				fail("Parse accepts a key character its Unicode tables do not know")
			}
		case strings.HasPrefix(c.class, "strict/"):
			if !z.OK {
				fail("documented as accepted by Zenoh, which rejects it: %.200s", z.Err)
				continue
			}
			var e *config.Error
			if !errors.As(perr, &e) || !(errors.Is(perr, config.ErrValue) || errors.Is(perr, config.ErrType)) {
				fail("Parse accepts it or fails without a typed error: %v", perr)
				continue
			}
			if !strings.HasPrefix(e.Path, c.path) || e.Line == 0 {
				fail("error %q does not name %q with a line", perr, c.path)
			}
		default:
			fail("unknown class")
		}
	}
	bad = append(bad, cfgCheckLenientRandom(o, corpus, lenientRandom)...)
	var classes []string
	for k, n := range counts {
		if k == "" {
			k = "agree"
		}
		classes = append(classes, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(classes)
	t.Logf("%d documents: %d accepted by both (values of every key compared), %d rejected by both; %d value comparisons; "+
		"%d random mutations accepted by Parse only (checked as leniencies); by class: %s",
		len(corpus), bothAccept, bothReject, compared, len(lenientRandom), strings.Join(classes, " "))
	for _, d := range cfgDivergences {
		if counts[d.class] == 0 {
			t.Errorf("divergence %s has no case", d.class)
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d disagreements with Zenoh:\n%s", len(bad), strings.Join(bad[:min(len(bad), 80)], "\n"))
	}
}

// cfgLenientCheck is a random document Parse accepts and Zenoh rejects.
type cfgLenientCheck struct {
	i     int
	ours  config.Config
	warns config.Warnings
}

// cfgRawKeys are the sections kept as written.
var cfgRawKeys = []string{"aggregation", "qos", "downsampling", "access_control", "low_pass_filter", "stats",
	"plugins_loading", "routing/router/linkstate/transport_weights", "gateway/south"}

// cfgCheckLenientRandom checks the random documents Parse accepts and Zenoh rejects: Zenoh must
// accept Parse's reading written out, and Parse must have warned; or, if Zenoh rejects that
// reading too, it must accept it once the sections kept as written are reset to their defaults.
func cfgCheckLenientRandom(o *cfgOracle, corpus []cfgCase, checks []cfgLenientCheck) []string {
	def := config.DefaultConfig()
	var reqs []cfgRequest
	for _, c := range checks {
		own, err := c.ours.MarshalJSON5()
		if err != nil {
			return []string{err.Error()}
		}
		reset := c.ours
		for _, k := range cfgRawKeys {
			v, _ := def.Get(k)
			if err := reset.Insert(k, v); err != nil {
				return []string{err.Error()}
			}
		}
		noRaw, _ := reset.MarshalJSON5()
		reqs = append(reqs, cfgRequest{Doc: string(own)}, cfgRequest{Doc: string(noRaw)})
	}
	answers, err := o.ask(reqs)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for j, c := range checks {
		own, noRaw := answers[2*j], answers[2*j+1]
		why := ""
		switch {
		case own.OK && len(c.warns) == 0:
			why = "Parse accepts it without a warning"
		case own.OK:
			for _, d := range cfgDiff(c.ours, own.JSON) {
				why += d + "; "
			}
		case !noRaw.OK:
			why = "Zenoh rejects Parse's reading even without the sections kept as written: " + noRaw.Err
		}
		if why != "" {
			bad = append(bad, fmt.Sprintf("case %d [random] %.160q: %s", c.i, corpus[c.i].doc, why))
		}
	}
	return bad
}

// Random configurations built through the public API, for the read-back test. Integers stay
// within ±2^53: Zenoh reads typed integers (and per-mode entries) through f64, so it rounds
// larger ones, where Parse keeps them exact.

func cfgGenModeValue[T any](t *rapid.T, label string, gen func(*rapid.T, string) T) config.ModeValue[T] {
	if rapid.Bool().Draw(t, label+".unique") {
		return config.Unique(gen(t, label))
	}
	m := config.PerMode[T]()
	for _, mode := range []config.Mode{config.ModeRouter, config.ModePeer, config.ModeClient} {
		if rapid.Bool().Draw(t, label+"."+mode.String()) {
			m = m.With(mode, gen(t, label))
		}
	}
	return m
}

func cfgGenText(t *rapid.T, label string) string {
	if rapid.Bool().Draw(t, label+".plain") {
		return rapid.StringOfN(rapid.RuneFrom([]rune("abcxyz019_-./:")), 0, 12, -1).Draw(t, label)
	}
	return rapid.StringN(0, 12, -1).Draw(t, label)
}

func cfgGenEndPoint(t *rapid.T, label string) config.EndPoint {
	s := rapid.SampledFrom([]string{"tcp/127.0.0.1:7447", "udp/[::1]:7447", "tls/example.com:7447", "tcp/[::]:0", "unixsock-stream/tmp/z.sock"}).Draw(t, label)
	if rapid.Bool().Draw(t, label+".meta") {
		s += "?" + rapid.SampledFrom([]string{"prio=1-7", "rel=0;prio=2", "b=1;a"}).Draw(t, label+".m")
	}
	if rapid.Bool().Draw(t, label+".conf") {
		s += "#" + rapid.SampledFrom([]string{"iface=lo", "so_sndbuf=65000;bind=127.0.0.1:0"}).Draw(t, label+".c")
	}
	e, err := config.ParseEndPoint(s)
	if err != nil {
		t.Fatalf("endpoint %q: %v", s, err)
	}
	return e
}

func cfgGenEndPoints(t *rapid.T, label string) []config.EndPoint {
	n := rapid.IntRange(0, 2).Draw(t, label+".n")
	if n == 0 {
		return nil
	}
	out := make([]config.EndPoint, n)
	for i := range out {
		out[i] = cfgGenEndPoint(t, label)
	}
	return out
}

func cfgGenGroups(t *rapid.T, label string) []config.EndPointGroup {
	n := rapid.IntRange(0, 2).Draw(t, label+".n")
	if n == 0 {
		return nil
	}
	out := make([]config.EndPointGroup, n)
	for i := range out {
		if rapid.Bool().Draw(t, label+".single") {
			out[i] = config.Single(cfgGenEndPoint(t, label))
		} else {
			out[i] = config.EndPointGroup{Strategy: config.LocatorsAllOf, Locators: cfgGenEndPoints(t, label)}
		}
	}
	return out
}

func cfgGenInt64(t *rapid.T, label string) int64 {
	return rapid.Int64Range(-1<<53, 1<<53).Draw(t, label)
}
func cfgGenBool(t *rapid.T, label string) bool { return rapid.Bool().Draw(t, label) }
func cfgGenFactor(t *rapid.T, label string) float64 {
	return rapid.Float64Range(-1e6, 1e6).Draw(t, label)
}
func cfgGenMatcher(t *rapid.T, label string) config.WhatAmIMatcher {
	return config.WhatAmIMatcher(rapid.IntRange(0, 7).Draw(t, label))
}
func cfgGenU53(t *rapid.T, label string) uint64 { return rapid.Uint64Range(0, 1<<53).Draw(t, label) }
func cfgGenSize(t *rapid.T, label string) int   { return rapid.IntRange(0, 1<<53).Draw(t, label) }

func cfgGenStrategy(t *rapid.T, label string) config.AutoconnectStrategy {
	pick := func(l string) config.Strategy {
		return rapid.SampledFrom([]config.Strategy{config.StrategyAlways, config.StrategyGreaterZid}).Draw(t, l)
	}
	switch rapid.IntRange(0, 2).Draw(t, label) {
	case 0:
		return config.UniqueStrategy(pick(label + ".s"))
	case 1:
		return config.AutoconnectStrategy{ByMode: config.Unique(config.TargetStrategy{ModeValue: config.PerMode[config.Strategy]().
			With(config.ModeRouter, pick(label+".r")).With(config.ModePeer, pick(label+".p"))})}
	}
	return config.AutoconnectStrategy{ByMode: config.PerMode[config.TargetStrategy]().
		With(config.ModePeer, config.TargetStrategy{ModeValue: config.PerMode[config.Strategy]().With(config.ModeRouter, pick(label+".pr"))}).
		With(config.ModeRouter, config.TargetStrategy{ModeValue: config.Unique(pick(label + ".r"))})}
}

// cfgGenConfig draws a configuration through the public API.
func cfgGenConfig(t *rapid.T) config.Config {
	c := config.DefaultConfig()
	c.Mode = rapid.SampledFrom([]config.Mode{config.ModeRouter, config.ModePeer, config.ModeClient}).Draw(t, "mode")
	if rapid.Bool().Draw(t, "id") {
		c.ID = config.ZenohID(rapid.StringOfN(rapid.RuneFrom([]rune("123456789abcdef")), 1, 32, -1).Draw(t, "zid"))
	}
	if rapid.Bool().Draw(t, "region") {
		c.RegionName = config.RegionName(rapid.StringOfN(rapid.RuneFrom([]rune("abc-_1")), 1, 32, -1).Draw(t, "region_name"))
	}
	meta, err := json.Marshal(map[string]any{"name": cfgGenText(t, "meta.name"), "n": rapid.IntRange(-1e9, 1e9).Draw(t, "meta.n"),
		"f": rapid.Float64Range(-1e9, 1e9).Draw(t, "meta.f"), "l": []any{true, nil, cfgGenText(t, "meta.l")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Insert("metadata", string(meta)); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	c.Connect.TimeoutMS = cfgGenModeValue(t, "connect.timeout", cfgGenInt64)
	c.Connect.Endpoints = cfgGenModeValue(t, "connect.endpoints", cfgGenGroups)
	c.Connect.ExitOnFailure = cfgGenModeValue(t, "connect.exit", cfgGenBool)
	c.Connect.Retry.PeriodInitMS = cfgGenModeValue(t, "retry.init", cfgGenInt64)
	c.Connect.Retry.PeriodIncreaseFactor = cfgGenModeValue(t, "retry.factor", cfgGenFactor)
	c.Listen.Endpoints = cfgGenModeValue(t, "listen.endpoints", cfgGenEndPoints)
	c.Listen.TimeoutMS = cfgGenModeValue(t, "listen.timeout", cfgGenInt64)
	c.Listen.Retry.PeriodMaxMS = cfgGenModeValue(t, "listen.max", cfgGenInt64)
	c.Open.ReturnConditions.Declares = rapid.Bool().Draw(t, "declares")
	s := &c.Scouting
	s.TimeoutMS, s.DelayMS = cfgGenU53(t, "scouting.timeout"), cfgGenU53(t, "scouting.delay")
	s.Multicast.Enabled = rapid.Bool().Draw(t, "mc.enabled")
	s.Multicast.Address = netip.AddrPortFrom(netip.AddrFrom4([4]byte{224, 0, 0, rapid.Byte().Draw(t, "mc.addr")}), rapid.Uint16().Draw(t, "mc.port"))
	s.Multicast.Interface = cfgGenText(t, "mc.interface")
	s.Multicast.TTL = uint32(rapid.IntRange(0, 255).Draw(t, "mc.ttl"))
	s.Multicast.Autoconnect = cfgGenModeValue(t, "mc.autoconnect", cfgGenMatcher)
	s.Multicast.AutoconnectStrategy = cfgGenStrategy(t, "mc.strategy")
	s.Multicast.Listen = cfgGenModeValue(t, "mc.listen", cfgGenBool)
	s.Gossip.Multihop = rapid.Bool().Draw(t, "gossip.multihop")
	s.Gossip.Target = cfgGenModeValue(t, "gossip.target", cfgGenMatcher)
	s.Gossip.AutoconnectStrategy = cfgGenStrategy(t, "gossip.strategy")
	c.Timestamping.Enabled = cfgGenModeValue(t, "ts", cfgGenBool)
	c.Timestamping.DropFutureTimestamp = rapid.Bool().Draw(t, "ts.drop")
	c.QueriesDefaultTimeoutMS = cfgGenU53(t, "queries")
	tr := &c.Transport
	tr.Unicast.OpenTimeoutMS, tr.Unicast.AcceptTimeoutMS = cfgGenU53(t, "open"), cfgGenU53(t, "accept")
	tr.Unicast.MaxSessions, tr.Unicast.MaxLinks = cfgGenSize(t, "sessions"), cfgGenSize(t, "links")
	tr.Unicast.LowLatency = rapid.Bool().Draw(t, "lowlatency")
	tr.Multicast.JoinIntervalMS = cfgGenU53(t, "join")
	if rapid.Bool().Draw(t, "protocols") {
		tr.Link.Protocols = []string{"tcp", "udp"}
	}
	tr.Link.TX.SequenceNumberResolution = rapid.SampledFrom([]config.Bits{config.Bits8, config.Bits16, config.Bits32}).Draw(t, "sn")
	tr.Link.TX.LeaseMS = rapid.Uint64Range(1, 1<<53).Draw(t, "lease")
	tr.Link.TX.KeepAlive = rapid.IntRange(1, 1<<20).Draw(t, "keepalive")
	tr.Link.TX.BatchSize = rapid.Uint16Min(1).Draw(t, "batch")
	tr.Link.TX.Queue.Size.Data = rapid.IntRange(1, 16).Draw(t, "qdata")
	tr.Link.TX.Queue.CongestionControl.Drop.WaitBeforeDropUS = rapid.Int64Range(-1<<53, 1<<53).Draw(t, "wbd")
	tr.Link.TX.Queue.Allocation.Mode = rapid.SampledFrom([]string{"init", "lazy"}).Draw(t, "alloc")
	tr.Link.RX.BufferSize = cfgGenSize(t, "rxbuf")
	if rapid.Bool().Draw(t, "tls") {
		ca, v := cfgGenText(t, "ca"), rapid.Uint32().Draw(t, "sndbuf")
		tr.Link.TLS.RootCACertificate, tr.Link.TLS.SoSndbuf = &ca, &v
	}
	if rapid.Bool().Draw(t, "usrpwd") {
		u, p := cfgGenText(t, "user"), cfgGenText(t, "password")
		tr.Auth.UsrPwd.User, tr.Auth.UsrPwd.Password = &u, &p
	}
	tr.SharedMemory.TransportOptimization.Messages = rapid.SampledFrom([][]string{nil, {"put"}, {"delete", "query"}}).Draw(t, "messages")
	c.AdminSpace.Enabled = rapid.Bool().Draw(t, "admin")
	if rapid.Bool().Draw(t, "ns") {
		c.Namespace = config.Namespace(rapid.SampledFrom([]string{"a", "a/b", "demo/@x"}).Draw(t, "namespace"))
	}
	if err := c.Insert("plugins", `{rest: {http_port: `+strconv.Itoa(rapid.IntRange(1, 65535).Draw(t, "port"))+`}}`); err != nil {
		t.Fatalf("plugins: %v", err)
	}
	return c
}

// TestConfigMarshalReadByZenoh checks that real Zenoh accepts MarshalJSON5 and String output of
// random configurations and reads every key back as Parse does.
func TestConfigMarshalReadByZenoh(t *testing.T) {
	o := startCfgOracle(t)
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		c := cfgGenConfig(rt)
		doc, err := c.MarshalJSON5()
		if err != nil {
			rt.Fatal(err)
		}
		back, _, err := config.Parse(doc)
		if err != nil || !back.Equal(c) {
			rt.Fatalf("Parse(MarshalJSON5()) = %v, equal %v", err, back.Equal(c))
		}
		ans, err := o.ask([]cfgRequest{{Doc: string(doc)}, {Doc: c.String()}})
		if err != nil {
			rt.Fatal(err)
		}
		for i, a := range ans {
			if !a.OK {
				rt.Fatalf("Zenoh rejects our output %d: %s\n%s", i, a.Err, doc)
			}
			if d := cfgDiff(c, a.JSON); len(d) > 0 {
				rt.Fatalf("Zenoh reads our output %d differently:\n%s\n%s", i, strings.Join(d, "\n"), doc)
			}
		}
		n++
	})
	t.Logf("%d random configurations: MarshalJSON5 and String accepted by Zenoh, every key read back equal", n)
}
