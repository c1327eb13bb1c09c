package interop

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// zpeerSource is zpeer.py, run with `python3 -c` so that the harness works from any package
// and any working directory.
//
//go:embed zpeer.py
var zpeerSource string

// Time and size limits of the harness. Every wait is bounded so that a broken peer fails a
// test quickly instead of hanging it.
const (
	// DefaultTimeout bounds a command round trip and the helpers that wait for an event.
	DefaultTimeout = 10 * time.Second
	// DefaultReadyTimeout bounds the start of zpeer.py up to its "ready" event.
	DefaultReadyTimeout = 20 * time.Second
	// MaxLineBytes bounds one JSON line read from zpeer.py.
	MaxLineBytes = 64 << 20
	// MaxEvents bounds the events kept per peer process; past it the peer reports ErrOverflow.
	MaxEvents = 1 << 20
	// stderrKeep is how many trailing bytes of a peer's stderr are kept for diagnostics.
	stderrKeep = 256 << 10
	// exitWait bounds the wait for a killed or closing process to be reaped.
	exitWait = 5 * time.Second
)

// Sentinel errors of the harness, wrapped with %w.
var (
	// ErrTimeout reports that an awaited event did not arrive in time.
	ErrTimeout = errors.New("interop: timed out")
	// ErrExited reports that the peer process exited (or was killed) while awaited.
	ErrExited = errors.New("interop: peer process exited")
	// ErrOverflow reports that a peer produced more than MaxEvents events.
	ErrOverflow = errors.New("interop: too many events")
	// ErrUnexpectedEvent reports that an event arrived when none was expected.
	ErrUnexpectedEvent = errors.New("interop: unexpected event")
)

// CommandError is a command that zpeer.py answered with an "error" event.
type CommandError struct {
	Cmd string // the command name
	ID  string // the command id
	Msg string // the error text reported by zpeer.py
}

// Error implements error.
func (e *CommandError) Error() string {
	return fmt.Sprintf("interop: zpeer %s (id %s) failed: %s", e.Cmd, e.ID, e.Msg)
}

// PeerOptions configures a zpeer.py process. The zero value is a peer that neither listens nor
// connects, with multicast scouting disabled.
type PeerOptions struct {
	Mode             string        // "peer" (default), "client" or "router"
	Listen           []string      // listen endpoints; "tcp/127.0.0.1:0" gets a real port, see Peer.Listen
	Connect          []string      // connect endpoints
	MulticastIface   string        // enables multicast scouting on this interface (only "lo" in tests)
	MulticastAddress string        // scouting group "224.0.0.224:PORT"; use MulticastAddress(FreeUDPPort(t))
	Config           []string      // "path=json5value" items applied with Config.insert_json5, in order
	ID               string        // Zenoh ID in lower-case hex; random when empty
	AdminSpace       bool          // enables the admin space (it declares entities on the wire)
	Env              []string      // extra environment "K=V" for the process (e.g. RUST_LOG)
	ReadyTimeout     time.Duration // bound on start-up; DefaultReadyTimeout when zero
}

func (o PeerOptions) args() []string {
	var a []string
	if o.Mode != "" {
		a = append(a, "--mode", o.Mode)
	}
	for _, e := range o.Listen {
		a = append(a, "--listen", e)
	}
	for _, e := range o.Connect {
		a = append(a, "--connect", e)
	}
	if o.MulticastIface != "" {
		a = append(a, "--multicast-iface", o.MulticastIface)
	} else {
		a = append(a, "--no-multicast")
	}
	if o.MulticastAddress != "" {
		a = append(a, "--multicast-address", o.MulticastAddress)
	}
	for _, c := range o.Config {
		a = append(a, "--config-json5", c)
	}
	if o.ID != "" {
		a = append(a, "--id", o.ID)
	}
	if o.AdminSpace {
		a = append(a, "--adminspace")
	}
	return a
}

// Event is one JSON line printed by zpeer.py. Fields that an event kind does not carry are
// zero; Raw holds every field as decoded by encoding/json.
type Event struct {
	Event string    `json:"event"` // ready, ok, error, fatal, sample, query, reply, get_done, liveliness, hello, ...
	Seq   int       `json:"-"`     // position in the peer's event log
	At    time.Time `json:"-"`     // when the harness read the line
	ID    string    `json:"-"`     // echoed command id (ok, error)
	Get   string    `json:"-"`     // id of the get/lget command (reply, get_done)
	Cmd   string    `json:"cmd"`   // command name (ok)
	Error string    `json:"error"` // error text (error, fatal)

	ZID      string   `json:"zid"`      // ready, info, hello
	Mode     string   `json:"mode"`     // ready
	Locators []string `json:"locators"` // ready (port 0 resolved), hello
	Listen   []string `json:"listen"`   // ready: the listen endpoints with port 0 resolved
	WhatAmI  string   `json:"whatami"`  // hello: router, peer or client
	Peers    []string `json:"peers"`    // ok of info / wait_peers
	Routers  []string `json:"routers"`  // ok of info / wait_peers

	Sub               string `json:"sub"`                // sample, liveliness: subscriber name
	Queryable         string `json:"queryable"`          // query: queryable name
	OK                bool   `json:"ok"`                 // reply: true for a sample, false for an error reply
	Key               string `json:"key"`                // sample, reply, query, liveliness
	Kind              string `json:"kind"`               // sample, reply, liveliness: put or delete
	Payload           []byte `json:"payload"`            // sample, reply, query (decoded from base64)
	Text              string `json:"utf8"`               // Payload as text, when it is valid UTF-8
	Size              int    `json:"size"`               // sample, reply: payload length
	Encoding          string `json:"encoding"`           // e.g. "zenoh/bytes", "text/plain;utf-8"
	Attachment        []byte `json:"attachment"`         // nil when absent
	AttachmentText    string `json:"attachment_utf8"`    // Attachment as text, when valid UTF-8
	Timestamp         string `json:"timestamp"`          // "<ntp64>/<id hex>" or empty
	Priority          string `json:"priority"`           // real_time ... background
	PriorityNum       int    `json:"priority_num"`       // 1 (real_time) ... 7 (background)
	CongestionControl string `json:"congestion_control"` // drop, block, block_first
	Express           bool   `json:"express"`
	Selector          string `json:"selector"`   // query
	Parameters        string `json:"parameters"` // query
	Count             int    `json:"count"`      // get_done, scout_done, ok of put/pub

	Raw map[string]any `json:"-"`
}

// String renders the event compactly for logs.
func (e Event) String() string {
	b, _ := json.Marshal(e.Raw)
	if len(b) > 400 {
		b = append(b[:400:400], "..."...)
	}
	return string(b)
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func decodeEvent(line []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(line, &ev); err != nil {
		return Event{}, err
	}
	if err := json.Unmarshal(line, &ev.Raw); err != nil {
		return Event{}, err
	}
	ev.ID = scalarString(ev.Raw["id"])
	ev.Get = scalarString(ev.Raw["get"])
	return ev, nil
}

// Opts are extra command fields merged into a command (see the command reference in the
// package documentation of zpeer.py and in the report): e.g. Opts{"encoding": "text/plain"}.
type Opts map[string]any

// proc is one zpeer.py process and its event log.
type proc struct {
	cmd   *exec.Cmd
	stdin *os.File
	done  chan struct{} // closed when the process was reaped and stdout drained
	err   error         // Wait result, valid after done

	wmu sync.Mutex // serialises stdin writes

	mu       sync.Mutex
	events   []Event
	consumed []bool
	first    int           // no unconsumed event before this index
	notify   chan struct{} // closed and replaced on every new event
	overflow bool
	stderr   tail
}

// tail keeps the last stderrKeep bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > stderrKeep {
		t.buf = append(t.buf[:0:0], t.buf[len(t.buf)-stderrKeep:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Peer is a running zpeer.py process driven by a test.
type Peer struct {
	t      testing.TB
	python string
	opts   PeerOptions
	ids    atomic.Int64

	mu       sync.Mutex
	cur      *proc
	zid      string
	locators []string
	listen   []string
}

// StartPeer starts zpeer.py with opts and waits for its "ready" event; it fails the test if the
// peer does not come up within opts.ReadyTimeout. The process runs in its own process group,
// which is killed and reaped when the test ends; its stderr is logged if the test failed.
func StartPeer(t testing.TB, opts PeerOptions) *Peer {
	t.Helper()
	p := &Peer{t: t, python: Python(t), opts: opts}
	t.Cleanup(p.cleanup)
	if err := p.start(opts.Listen); err != nil {
		t.Fatalf("interop: starting zpeer %v: %v", opts.args(), err)
	}
	return p
}

func (p *Peer) start(listen []string) error {
	o := p.opts
	o.Listen = listen
	args := append([]string{"-u", "-c", zpeerSource}, o.args()...)
	cmd := exec.Command(p.python, args...)
	cmd.Env = append(append(os.Environ(), "PYTHONUNBUFFERED=1"), o.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdin = pr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	pc := &proc{cmd: cmd, stdin: pw, done: make(chan struct{}), notify: make(chan struct{})}
	cmd.Stderr = &pc.stderr
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	pr.Close()
	go pc.readLoop(stdout)
	p.mu.Lock()
	p.cur = pc
	p.mu.Unlock()

	timeout := o.ReadyTimeout
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	ev, err := pc.wait(timeout, func(e Event) bool { return e.Event == "ready" || e.Event == "fatal" }, true)
	if err == nil && ev.Event == "fatal" {
		err = fmt.Errorf("%w: fatal: %s", ErrExited, ev.Error)
	}
	if err != nil {
		pc.kill()
		return fmt.Errorf("%w\nstderr:\n%s", err, pc.stderr.String())
	}
	p.mu.Lock()
	p.zid, p.locators, p.listen = ev.ZID, ev.Locators, ev.Listen
	p.mu.Unlock()
	return nil
}

func (pc *proc) readLoop(stdout io.Reader) {
	defer func() {
		pc.err = pc.cmd.Wait()
		close(pc.done)
		pc.mu.Lock()
		close(pc.notify)
		pc.notify = make(chan struct{})
		pc.mu.Unlock()
	}()
	r := bufio.NewReaderSize(stdout, 64<<10)
	var line []byte
	skipping := false // inside a line longer than MaxLineBytes
	for {
		chunk, err := r.ReadSlice('\n')
		if !skipping {
			if len(line)+len(chunk) > MaxLineBytes {
				fmt.Fprintf(&pc.stderr, "[harness] stdout line longer than %d bytes dropped\n", MaxLineBytes)
				skipping, line = true, line[:0]
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if !skipping && len(bytes.TrimSpace(line)) > 0 {
			pc.add(line)
		}
		skipping, line = false, line[:0]
		if err != nil {
			return
		}
	}
}

func (pc *proc) add(line []byte) {
	ev, err := decodeEvent(bytes.TrimSpace(line))
	if err != nil {
		fmt.Fprintf(&pc.stderr, "[stdout, not JSON] %s", line)
		return
	}
	ev.At = time.Now()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.events) >= MaxEvents {
		pc.overflow = true
		return
	}
	ev.Seq = len(pc.events)
	pc.events = append(pc.events, ev)
	pc.consumed = append(pc.consumed, false)
	close(pc.notify)
	pc.notify = make(chan struct{})
}

// wait returns the first unconsumed event matching match, marking it consumed if consume.
func (pc *proc) wait(timeout time.Duration, match func(Event) bool, consume bool) (Event, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	exited := false
	for {
		pc.mu.Lock()
		for i := pc.first; i < len(pc.events); i++ {
			if !pc.consumed[i] && match(pc.events[i]) {
				if consume {
					pc.consumed[i] = true
					for pc.first < len(pc.consumed) && pc.consumed[pc.first] {
						pc.first++
					}
				}
				ev := pc.events[i]
				pc.mu.Unlock()
				return ev, nil
			}
		}
		overflow, notify := pc.overflow, pc.notify
		pc.mu.Unlock()
		switch {
		case overflow:
			return Event{}, ErrOverflow
		case exited:
			return Event{}, fmt.Errorf("%w (%v)", ErrExited, pc.err)
		}
		select {
		case <-pc.done:
			exited = true // the log is complete: scan it once more, then report the exit
		case <-notify:
		case <-deadline.C:
			return Event{}, fmt.Errorf("%w after %v", ErrTimeout, timeout)
		}
	}
}

func (pc *proc) signal(sig syscall.Signal) error {
	if pc.cmd.Process == nil {
		return ErrExited
	}
	select {
	case <-pc.done:
		return ErrExited
	default:
	}
	return syscall.Kill(-pc.cmd.Process.Pid, sig)
}

// kill SIGKILLs the process group and waits (bounded) for the process to be reaped.
func (pc *proc) kill() {
	if pc.cmd.Process != nil {
		_ = syscall.Kill(-pc.cmd.Process.Pid, syscall.SIGKILL)
	}
	pc.stdin.Close()
	select {
	case <-pc.done:
	case <-time.After(exitWait):
	}
}

func (p *Peer) proc() *proc {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur
}

func (p *Peer) cleanup() {
	pc := p.proc()
	if pc == nil {
		return
	}
	pc.kill()
	if p.t.Failed() {
		p.t.Logf("interop: zpeer %s (%v) stderr:\n%s", p.ZID(), p.opts.args(), pc.stderr.String())
	}
	pc.mu.Lock()
	var errs []string
	for _, e := range pc.events {
		if e.Event == "error" && e.ID == "" {
			errs = append(errs, e.Error)
		}
	}
	pc.mu.Unlock()
	if len(errs) > 0 {
		p.t.Logf("interop: zpeer %s reported asynchronous errors: %q", p.ZID(), errs)
	}
}

// ZID returns the Zenoh ID of the current process, in lower-case hex.
func (p *Peer) ZID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.zid
}

// Locators returns the locators the peer listens on (listen endpoints without #metadata),
// with any port 0 replaced by the port actually bound.
func (p *Peer) Locators() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.locators...)
}

// Locator returns the first locator, or fails the test if the peer does not listen.
func (p *Peer) Locator() string {
	p.t.Helper()
	l := p.Locators()
	if len(l) == 0 {
		p.t.Fatalf("interop: zpeer %s has no locator", p.ZID())
	}
	return l[0]
}

// Listen returns the listen endpoints in the order given, with port 0 resolved.
func (p *Peer) Listen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.listen...)
}

// Stderr returns the last bytes the current process wrote on stderr.
func (p *Peer) Stderr() string { return p.proc().stderr.String() }

// Exited returns a channel closed when the current process has exited.
func (p *Peer) Exited() <-chan struct{} { return p.proc().done }

// Send writes one command to the peer; a missing "id" is filled in. It returns the id.
func (p *Peer) Send(cmd map[string]any) (string, error) {
	pc := p.proc()
	id := scalarString(cmd["id"])
	if id == "" {
		id = "c" + strconv.FormatInt(p.ids.Add(1), 10)
		cmd["id"] = id
	}
	b, err := json.Marshal(cmd)
	if err != nil {
		return "", fmt.Errorf("interop: encoding command: %w", err)
	}
	b = append(b, '\n')
	pc.wmu.Lock()
	defer pc.wmu.Unlock()
	if err := pc.stdin.SetWriteDeadline(time.Now().Add(DefaultTimeout)); err != nil {
		return "", fmt.Errorf("interop: writing command: %w", err)
	}
	if _, err := pc.stdin.Write(b); err != nil {
		return "", fmt.Errorf("interop: writing command: %w", err)
	}
	return id, nil
}

// Do sends cmd and waits for its "ok" event, returned, or its "error" event, returned as a
// *CommandError. timeout <= 0 means DefaultTimeout.
func (p *Peer) Do(cmd map[string]any, timeout time.Duration) (Event, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	id, err := p.Send(cmd)
	if err != nil {
		return Event{}, err
	}
	ev, err := p.WaitEvent(timeout, func(e Event) bool {
		return (e.Event == "ok" || e.Event == "error") && e.ID == id
	})
	if err != nil {
		return Event{}, fmt.Errorf("interop: zpeer %v (id %s): %w", cmd["cmd"], id, err)
	}
	if ev.Event == "error" {
		return ev, &CommandError{Cmd: scalarString(cmd["cmd"]), ID: id, Msg: ev.Error}
	}
	return ev, nil
}

func (p *Peer) do(name string, fields map[string]any, opts Opts) (Event, error) {
	cmd := map[string]any{"cmd": name}
	for k, v := range opts {
		cmd[k] = v
	}
	for k, v := range fields {
		cmd[k] = v
	}
	timeout := DefaultTimeout
	if s, ok := number(cmd["timeout"]); ok {
		timeout += time.Duration(s * float64(time.Second))
	}
	if ms, ok := number(cmd["ms"]); ok {
		timeout += time.Duration(ms * float64(time.Millisecond))
	}
	if n, ok := number(cmd["count"]); ok && n > 1 {
		// A bulk command (put with count) gets 10 ms per message on top: under CI load, with
		// -race on our side and the GIL shared with the real node's callbacks, 2,000 blocking
		// puts have taken more than 10 s.
		timeout += time.Duration(n * float64(10*time.Millisecond))
	}
	return p.Do(cmd, timeout)
}

// number returns v as a float64 if it is a Go number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	default:
		return 0, false
	}
}

// WaitEvent returns the first event, in arrival order, that matches and was not returned by an
// earlier WaitEvent, and marks it returned. It fails with ErrTimeout after timeout, or with
// ErrExited if the process exits first. timeout <= 0 means DefaultTimeout.
func (p *Peer) WaitEvent(timeout time.Duration, match func(Event) bool) (Event, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return p.proc().wait(timeout, match, true)
}

// Collect waits for n events matching match (each consumed as by WaitEvent) within timeout
// overall, and returns those it got.
func (p *Peer) Collect(timeout time.Duration, n int, match func(Event) bool) ([]Event, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	end := time.Now().Add(timeout)
	out := make([]Event, 0, min(n, 1024))
	for len(out) < n {
		ev, err := p.proc().wait(time.Until(end), match, true)
		if err != nil {
			return out, fmt.Errorf("interop: got %d of %d events: %w", len(out), n, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// ExpectNone waits for d and fails with ErrUnexpectedEvent if an unconsumed event matching
// match arrives meanwhile (that event is consumed). Use it only to check an absence.
func (p *Peer) ExpectNone(d time.Duration, match func(Event) bool) error {
	ev, err := p.proc().wait(d, match, true)
	if err == nil {
		return fmt.Errorf("%w: %v", ErrUnexpectedEvent, ev)
	}
	if errors.Is(err, ErrTimeout) {
		return nil
	}
	return err
}

// Events returns a copy of every event of the current process so far, consumed or not.
func (p *Peer) Events() []Event {
	pc := p.proc()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return append([]Event(nil), pc.events...)
}

// IsSample matches "sample" events on key (any key if key is empty).
func IsSample(key string) func(Event) bool {
	return func(e Event) bool { return e.Event == "sample" && (key == "" || e.Key == key) }
}

// IsLiveliness matches "liveliness" events of kind ("put" or "delete") on key.
func IsLiveliness(key, kind string) func(Event) bool {
	return func(e Event) bool { return e.Event == "liveliness" && e.Key == key && e.Kind == kind }
}

// WaitSample waits for the next sample on key (any key if empty).
func (p *Peer) WaitSample(key string, timeout time.Duration) (Event, error) {
	return p.WaitEvent(timeout, IsSample(key))
}

// Sub declares a subscriber on key; its samples are "sample" events with Sub == key.
func (p *Peer) Sub(key string) error {
	_, err := p.do("sub", map[string]any{"key": key}, nil)
	return err
}

// Unsub undeclares the subscriber declared on key.
func (p *Peer) Unsub(key string) error {
	_, err := p.do("unsub", map[string]any{"key": key}, nil)
	return err
}

// Put publishes payload on key with Session.put. opts may set encoding, attachment (base64) or
// attachment_text, priority, congestion_control, express, count, interval_ms, text (with
// "{i}" replaced by the burst index; payload must then be nil).
func (p *Peer) Put(key string, payload []byte, opts Opts) error {
	f := map[string]any{"key": key}
	if payload != nil {
		f["payload"] = base64.StdEncoding.EncodeToString(payload)
	}
	_, err := p.do("put", f, opts)
	return err
}

// Delete publishes a delete on key. opts may set attachment, priority, congestion_control,
// express.
func (p *Peer) Delete(key string, opts Opts) error {
	_, err := p.do("delete", map[string]any{"key": key}, opts)
	return err
}

// Pub declares (once per key, or per opts "name") a publisher on key and puts opts "count"
// (default 1) messages of opts "size" bytes, "text" or "payload". With opts "wait_matching":
// true it first waits for a matching subscriber.
func (p *Peer) Pub(key string, opts Opts) error {
	_, err := p.do("pub", map[string]any{"key": key}, opts)
	return err
}

// Queryable declares a queryable on key. opts: "replies" (list of {text|payload|size, key,
// encoding, attachment, err, delete}), "reply" (text), "reply_err" (text), "complete",
// "delay_ms". Each query is also reported as a "query" event.
func (p *Peer) Queryable(key string, opts Opts) error {
	_, err := p.do("queryable", map[string]any{"key": key}, opts)
	return err
}

// Get queries selector and returns its "reply" events once the query is done. opts:
// "target" (best_matching, all, all_complete), "consolidation" (auto, none, monotonic,
// latest), "timeout" (seconds, default 10), "text"/"payload", "encoding", "attachment".
func (p *Peer) Get(selector string, opts Opts) ([]Event, error) {
	return p.getLike("get", map[string]any{"selector": selector}, opts)
}

// LivelinessGet queries the liveliness tokens matching key; replies carry the token keys.
func (p *Peer) LivelinessGet(key string, opts Opts) ([]Event, error) {
	return p.getLike("lget", map[string]any{"key": key}, opts)
}

func (p *Peer) getLike(name string, fields map[string]any, opts Opts) ([]Event, error) {
	ok, err := p.do(name, fields, opts)
	if err != nil {
		return nil, err
	}
	timeout := 2 * DefaultTimeout // zpeer's default query timeout is DefaultTimeout
	if s, ok := number(opts["timeout"]); ok {
		timeout = DefaultTimeout + time.Duration(s*float64(time.Second))
	}
	done, err := p.WaitEvent(timeout, func(e Event) bool { return e.Event == "get_done" && e.Get == ok.ID })
	if err != nil {
		return nil, fmt.Errorf("interop: %s %v: %w", name, fields, err)
	}
	replies := make([]Event, 0, done.Count)
	for range done.Count {
		ev, err := p.WaitEvent(time.Second, func(e Event) bool { return e.Event == "reply" && e.Get == ok.ID })
		if err != nil {
			return replies, fmt.Errorf("interop: %s: reply missing before get_done: %w", name, err)
		}
		replies = append(replies, ev)
	}
	return replies, nil
}

// Token declares a liveliness token on key.
func (p *Peer) Token(key string) error {
	_, err := p.do("token", map[string]any{"key": key}, nil)
	return err
}

// Untoken undeclares the liveliness token declared on key.
func (p *Peer) Untoken(key string) error {
	_, err := p.do("untoken", map[string]any{"key": key}, nil)
	return err
}

// LivelinessSub declares a liveliness subscriber on key; changes are "liveliness" events with
// Kind "put" (token alive) or "delete" (token gone). With history, existing tokens are
// reported at once.
func (p *Peer) LivelinessSub(key string, history bool) error {
	_, err := p.do("lsub", map[string]any{"key": key, "history": history}, nil)
	return err
}

// WaitPeers waits until the peer has at least n peers connected (Peers of the returned event).
// timeout <= 0 means DefaultTimeout.
func (p *Peer) WaitPeers(n int, timeout time.Duration) (Event, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return p.do("wait_peers", map[string]any{"count": n, "timeout": timeout.Seconds()}, nil)
}

// WaitMatching waits until a subscriber (what "sub") or queryable (what "queryable") matching
// key is known to this peer, so that a following put or get reaches it.
func (p *Peer) WaitMatching(key, what string) error {
	_, err := p.do("wait_matching", map[string]any{"key": key, "what": what, "timeout": DefaultTimeout.Seconds()}, nil)
	return err
}

// Info returns the session info: ZID, Peers, Routers and Raw["links"].
func (p *Peer) Info() (Event, error) {
	return p.do("info", nil, nil)
}

// Close closes the Zenoh session gracefully (sending Close) and waits for the process to exit.
func (p *Peer) Close() error {
	if _, err := p.do("close", nil, nil); err != nil {
		return err
	}
	select {
	case <-p.proc().done:
		return nil
	case <-time.After(exitWait):
		return fmt.Errorf("%w: zpeer did not exit after close", ErrTimeout)
	}
}

// Kill SIGKILLs the peer's process group and waits until it is reaped: its links drop without
// a Close message.
func (p *Peer) Kill() { p.proc().kill() }

// Stop SIGSTOPs the peer's process group: it keeps its sockets but stops answering, so remote
// nodes detect it only by lease expiry.
func (p *Peer) Stop() error { return p.proc().signal(syscall.SIGSTOP) }

// Cont SIGCONTs a peer stopped with Stop.
func (p *Peer) Cont() error { return p.proc().signal(syscall.SIGCONT) }

// Restart kills the current process and starts a new one with the same options and the same
// listen ports (the ports bound by the first start). The event log starts afresh, and the ZID
// changes unless PeerOptions.ID is set.
func (p *Peer) Restart() error {
	p.Kill()
	listen := p.Listen()
	if len(listen) == 0 {
		listen = p.opts.Listen
	}
	// Kill returns once the process is reaped, so its listening sockets are released.
	if err := p.start(listen); err != nil {
		return fmt.Errorf("interop: restarting zpeer: %w", err)
	}
	return nil
}

// ScoutOptions configures a zpeer.py scout run.
type ScoutOptions struct {
	What             string        // "peer", "router", "peer|router" (default)
	MulticastIface   string        // default "lo"
	MulticastAddress string        // "224.0.0.224:PORT"; Zenoh's default 7446 port when empty
	Timeout          time.Duration // how long to scout; default 3 s
	StopAfter        int           // stop as soon as this many distinct nodes answered (0: run for Timeout)
	Config           []string      // "path=json5value" items
}

// Scout runs zpeer.py in scout mode and returns the "hello" events (one per distinct ZID).
func Scout(t testing.TB, opts ScoutOptions) ([]Event, error) {
	t.Helper()
	py := Python(t)
	if opts.Timeout <= 0 {
		opts.Timeout = 3 * time.Second
	}
	args := []string{"-u", "-c", zpeerSource, "scout", "--timeout", strconv.FormatFloat(opts.Timeout.Seconds(), 'f', 3, 64)}
	if opts.What != "" {
		args = append(args, "--what", opts.What)
	}
	if opts.MulticastIface != "" {
		args = append(args, "--multicast-iface", opts.MulticastIface)
	}
	if opts.MulticastAddress != "" {
		args = append(args, "--multicast-address", opts.MulticastAddress)
	}
	if opts.StopAfter > 0 {
		args = append(args, "--stop-after", strconv.Itoa(opts.StopAfter))
	}
	for _, c := range opts.Config {
		args = append(args, "--config-json5", c)
	}
	cmd := exec.Command(py, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var stdout bytes.Buffer
	var stderr tail
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("interop: starting zpeer scout: %w", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-waited:
	case <-time.After(opts.Timeout + DefaultReadyTimeout):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-waited
		return nil, fmt.Errorf("%w: zpeer scout did not finish\nstderr:\n%s", ErrTimeout, stderr.String())
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // any stray child
	var hellos []Event
	done := false
	for _, line := range bytes.Split(stdout.Bytes(), []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ev, err := decodeEvent(line)
		if err != nil {
			continue
		}
		switch ev.Event {
		case "hello":
			hellos = append(hellos, ev)
		case "scout_done":
			done = true
		case "fatal", "error":
			return hellos, fmt.Errorf("interop: zpeer scout: %s\nstderr:\n%s", ev.Error, stderr.String())
		}
	}
	if !done {
		return hellos, fmt.Errorf("%w: zpeer scout ended without scout_done (%v)\nstderr:\n%s",
			ErrExited, werr, strings.TrimSpace(stderr.String()))
	}
	return hellos, nil
}
