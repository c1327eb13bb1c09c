package cluster

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Command-line forms of the events, for a command such as "gozenoh cluster pub". Each event is
// its kind name followed by positional words and --flag=value options:
//
//	state-change <account> <change-id> [--types=<bitmap>]
//	email-push <account> <email> <change-id>
//	calendar-alert <account> <event> [--recurrence=<id>] [--uid=<uid>] [--alert=<id>]
//	push-server-update <account>
//	cache-invalidate <cache>:<id>...          (cache: account, domain, access-token, … or a number)
//	cache-invalidate-all [--negative]
//	settings-reload [<section>]
//	object-changed insert|update|delete <type> <id>
//	blocked-ip <address or prefix> [--expires=<RFC 3339>] [--reason=<text>]
//	certificate-renewed <name>... [--not-after=<RFC 3339>]
//	spam-model-reload
//	queue-status running|paused
//	queue-refresh [<queue>]
//	<app kind name or kind-N> [<text>] [--hex=<bytes>]
//
// Numbers are decimal or 0x-prefixed hex. "--" ends the options.

var cacheNames = map[CacheKind]string{
	CacheAccessToken: "access-token", CacheDavResources: "dav-resources", CacheDomain: "domain",
	CacheAccount: "account", CacheDKIMSignature: "dkim-signature", CacheTenant: "tenant", CacheRole: "role",
	CacheList: "list", CacheDomainLogo: "domain-logo", CacheTenantLogo: "tenant-logo",
	CacheEmailNegative: "email-negative", CacheDomainNegative: "domain-negative",
}

// String returns the cache kind's name ("account"), or its number.
func (k CacheKind) String() string {
	if n, ok := cacheNames[k]; ok {
		return n
	}
	return strconv.Itoa(int(k))
}

var opNames = map[ObjectOp]string{ObjectInserted: "insert", ObjectUpdated: "update", ObjectDeleted: "delete"}

// String returns "insert", "update" or "delete".
func (o ObjectOp) String() string {
	if n, ok := opNames[o]; ok {
		return n
	}
	return "op-" + strconv.Itoa(int(o))
}

// ParseEventArgs builds a built-in or application event from command-line words: the kind name,
// then its arguments (see the forms above).
func ParseEventArgs(words []string) (Event, error) { return defaultRegistry.ParseArgs(words) }

// EventArgs returns the command-line words of ev; ParseEventArgs(EventArgs(ev)) is ev.
func EventArgs(ev Event) []string { return defaultRegistry.FormatArgs(ev) }

// FormatEvent returns ev as one line: its command-line words, quoted where needed.
func FormatEvent(ev Event) string { return defaultRegistry.Format(ev) }

// Format returns ev as one line: its command-line words, quoted where needed.
func (r *Registry) Format(ev Event) string {
	words := r.FormatArgs(ev)
	for i, w := range words {
		if w == "" || strings.IndexFunc(w, func(c rune) bool { return unicode.IsSpace(c) || c == '"' || c == '\\' || !unicode.IsPrint(c) }) >= 0 {
			words[i] = strconv.Quote(w)
		}
	}
	return strings.Join(words, " ")
}

// args are parsed command-line words.
type args struct {
	kind  string
	pos   []string
	flags map[string]string
}

// splitArgs separates positional words from --flag=value / --flag value options. valued lists
// the options that take a value, bare those that do not.
func splitArgs(kind string, words []string, valued, bare []string) (*args, error) {
	a := &args{kind: kind, flags: map[string]string{}}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			a.pos = append(a.pos, words[i+1:]...)
			break
		}
		name, ok := strings.CutPrefix(w, "--")
		if !ok || name == "" {
			a.pos = append(a.pos, w)
			continue
		}
		name, val, hasVal := strings.Cut(name, "=")
		switch {
		case contains(bare, name):
			if hasVal {
				return nil, errorsf(ErrInvalidEvent, "%s: --%s takes no value", kind, name)
			}
			a.flags[name] = ""
		case contains(valued, name):
			if !hasVal {
				if i+1 >= len(words) {
					return nil, errorsf(ErrInvalidEvent, "%s: --%s needs a value", kind, name)
				}
				i++
				val = words[i]
			}
			a.flags[name] = val
		default:
			return nil, errorsf(ErrInvalidEvent, "%s: unknown option --%s", kind, name)
		}
	}
	return a, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *args) count(lo, hi int) error {
	if len(a.pos) < lo || (hi >= 0 && len(a.pos) > hi) {
		return errorsf(ErrInvalidEvent, "%s: %d arguments (want %d..%d)", a.kind, len(a.pos), lo, hi)
	}
	return nil
}

func (a *args) uint(s, what string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
		return 0, errorsf(ErrInvalidEvent, "%s: %s %q is not a %d-bit unsigned number", a.kind, what, s, bits)
	}
	return v, nil
}

func (a *args) time(name string) (time.Time, error) {
	s, ok := a.flags[name]
	if !ok {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errorsf(ErrInvalidEvent, "%s: --%s %q is not an RFC 3339 time", a.kind, name, s)
	}
	return time.Unix(t.Unix(), 0).UTC(), nil
}

// ParseArgs builds an event from command-line words: the kind name (built-in or registered),
// then its arguments.
func (r *Registry) ParseArgs(words []string) (Event, error) {
	if len(words) == 0 {
		return nil, errorsf(ErrInvalidEvent, "no event kind")
	}
	k, ok := r.Lookup(words[0])
	if !ok || k.IsLocal() {
		return nil, errorsf(ErrUnknownKind, "%q", words[0])
	}
	rest := words[1:]
	if k.IsApp() {
		return r.parseApp(k, words[0], rest)
	}
	p, ok := argParsers[k]
	if !ok {
		return nil, errorsf(ErrUnknownKind, "%q has no command-line form", words[0])
	}
	ev, err := p(words[0], rest)
	if err != nil {
		return nil, err
	}
	if _, err := ev.AppendBinary(nil); err != nil { // the same checks as Publish
		return nil, err
	}
	return ev, nil
}

func (r *Registry) parseApp(k Kind, name string, rest []string) (Event, error) {
	if spec, ok := r.spec(k); ok && spec.ParseArgs != nil {
		return spec.ParseArgs(rest)
	}
	a, err := splitArgs(name, rest, []string{"hex"}, nil)
	if err != nil {
		return nil, err
	}
	if err := a.count(0, 1); err != nil {
		return nil, err
	}
	e := AppEvent{Tag: k}
	if h, ok := a.flags["hex"]; ok {
		if len(a.pos) > 0 {
			return nil, errorsf(ErrInvalidEvent, "%s: both text and --hex", name)
		}
		if e.Data, err = hex.DecodeString(h); err != nil {
			return nil, errorsf(ErrInvalidEvent, "%s: --hex: %v", name, err)
		}
	} else if len(a.pos) == 1 {
		e.Data = []byte(a.pos[0])
	}
	if len(e.Data) == 0 {
		e.Data = nil
	}
	return e, nil
}

// FormatArgs returns the command-line words of ev.
func (r *Registry) FormatArgs(ev Event) []string {
	k := ev.Kind()
	if k.IsApp() {
		if spec, ok := r.spec(k); ok && spec.FormatArgs != nil {
			return append([]string{spec.Name}, spec.FormatArgs(ev)...)
		}
		name := r.Name(k)
		if a, ok := ev.(AppEvent); ok {
			if len(a.Data) == 0 {
				return []string{name}
			}
			if utf8.Valid(a.Data) && !strings.HasPrefix(string(a.Data), "-") {
				return []string{name, string(a.Data)}
			}
			return []string{name, "--hex=" + hex.EncodeToString(a.Data)}
		}
		return []string{name}
	}
	var pos, flags []string
	switch e := ev.(type) {
	case StateChange:
		pos = []string{u10(uint64(e.AccountID)), u10(e.ChangeID)}
		if e.Types != 0 {
			flags = append(flags, "--types=0x"+strconv.FormatUint(e.Types, 16))
		}
	case EmailPush:
		pos = []string{u10(uint64(e.AccountID)), u10(uint64(e.EmailID)), u10(e.ChangeID)}
	case CalendarAlert:
		pos = []string{u10(uint64(e.AccountID)), u10(uint64(e.EventID))}
		if e.RecurrenceID != 0 {
			flags = append(flags, "--recurrence="+strconv.FormatInt(e.RecurrenceID, 10))
		}
		if e.UID != "" {
			flags = append(flags, "--uid="+e.UID)
		}
		if e.AlertID != "" {
			flags = append(flags, "--alert="+e.AlertID)
		}
	case PushServerUpdate:
		pos = []string{u10(uint64(e.AccountID))}
	case CacheInvalidate:
		for _, it := range e.Items {
			pos = append(pos, it.Kind.String()+":"+u10(it.ID))
		}
	case CacheInvalidateAll:
		if e.NegativeOnly {
			flags = append(flags, "--negative")
		}
	case SettingsReload:
		if e.Section != "" {
			pos = []string{e.Section}
		}
	case ObjectChanged:
		pos = []string{e.Op.String(), e.Type, u10(e.ID)}
	case BlockedIP:
		pos = []string{e.Prefix.String()}
		if !e.Expires.IsZero() {
			flags = append(flags, "--expires="+e.Expires.UTC().Format(time.RFC3339))
		}
		if e.Reason != "" {
			flags = append(flags, "--reason="+e.Reason)
		}
	case CertificateRenewed:
		pos = e.Names
		if !e.NotAfter.IsZero() {
			flags = append(flags, "--not-after="+e.NotAfter.UTC().Format(time.RFC3339))
		}
	case QueueStatus:
		pos = []string{"paused"}
		if e.Running {
			pos[0] = "running"
		}
	case QueueRefresh:
		if e.Queue != "" {
			pos = []string{e.Queue}
		}
	case Resync:
		pos = []string{e.From.String(), e.Reason.String()}
		if e.Missed != 0 {
			flags = append(flags, "--missed="+u10(e.Missed))
		}
	case MemberUp:
		pos = []string{e.ID.String(), incString(e.Incarnation)}
	case MemberDown:
		pos = []string{e.ID.String(), incString(e.Incarnation)}
	case Collision:
		pos = []string{e.ID.String(), incString(e.Incarnations[0]), incString(e.Incarnations[1])}
	}
	words := append([]string{r.Name(k)}, flags...)
	for _, p := range pos {
		if strings.HasPrefix(p, "-") {
			words = append(words, "--")
			break
		}
	}
	return append(words, pos...)
}

func u10(v uint64) string { return strconv.FormatUint(v, 10) }
