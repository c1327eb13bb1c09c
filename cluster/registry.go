package cluster

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Decoder decodes one event body. It must not keep body (it aliases a receive buffer) and
// should not panic; a panic is recovered and reported as a decode error.
type Decoder func(body []byte) (Event, error)

// KindSpec describes an application event kind for a Registry.
type KindSpec struct {
	// Kind is the wire tag, in KindAppMin..KindAppMax.
	Kind Kind
	// Name is the kind's name for logs and the command line: lower-case letters, digits and
	// '-', not a built-in name.
	Name string
	// Decode decodes a body into the application's event type.
	Decode Decoder
	// ParseArgs builds an event from command-line words (those after the name); optional.
	ParseArgs func(args []string) (Event, error)
	// FormatArgs is the inverse of ParseArgs; optional.
	FormatArgs func(Event) []string
}

// Registry maps event kinds to decoders and names: the built-in kinds, plus the application
// kinds registered with Register. It is safe for concurrent use; registration is expected at
// start-up. The zero Registry is not usable; call NewRegistry.
type Registry struct {
	mu   sync.Mutex
	apps atomic.Pointer[map[Kind]KindSpec]
}

var builtinDecoders = [...]Decoder{
	KindStateChange:        decodeStateChange,
	KindEmailPush:          decodeEmailPush,
	KindCalendarAlert:      decodeCalendarAlert,
	KindPushServerUpdate:   decodePushServerUpdate,
	KindCacheInvalidate:    decodeCacheInvalidate,
	KindCacheInvalidateAll: decodeCacheInvalidateAll,
	KindSettingsReload:     decodeSettingsReload,
	KindObjectChanged:      decodeObjectChanged,
	KindBlockedIP:          decodeBlockedIP,
	KindCertificateRenewed: decodeCertificateRenewed,
	KindSpamModelReload:    decodeSpamModelReload,
	KindQueueStatus:        decodeQueueStatus,
	KindQueueRefresh:       decodeQueueRefresh,
}

// defaultRegistry knows the built-in kinds only; it is used when no Registry is given.
var defaultRegistry = NewRegistry()

// NewRegistry returns a registry that knows the built-in kinds.
func NewRegistry() *Registry {
	r := &Registry{}
	m := map[Kind]KindSpec{}
	r.apps.Store(&m)
	return r
}

// Register adds an application kind. It fails for a kind outside the application range, a kind
// or name already known, an invalid name, or a nil Decode.
func (r *Registry) Register(spec KindSpec) error {
	if !spec.Kind.IsApp() {
		return errorsf(ErrInvalidEvent, "kind %d outside %d..%d", spec.Kind, KindAppMin, KindAppMax)
	}
	if spec.Decode == nil {
		return errorsf(ErrInvalidEvent, "kind %d: nil decoder", spec.Kind)
	}
	if !validKindName(spec.Name) {
		return errorsf(ErrInvalidEvent, "kind %d: invalid name %q", spec.Kind, spec.Name)
	}
	if _, ok := KindByName(spec.Name); ok {
		return errorsf(ErrInvalidEvent, "kind %d: name %q is taken", spec.Kind, spec.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.apps.Load()
	if _, ok := old[spec.Kind]; ok {
		return errorsf(ErrInvalidEvent, "kind %d already registered", spec.Kind)
	}
	m := make(map[Kind]KindSpec, len(old)+1)
	for k, s := range old {
		if s.Name == spec.Name {
			return errorsf(ErrInvalidEvent, "kind %d: name %q is taken", spec.Kind, spec.Name)
		}
		m[k] = s
	}
	m[spec.Kind] = spec
	r.apps.Store(&m)
	return nil
}

func validKindName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// Decode decodes one event body of kind k. An application kind without a decoder decodes to an
// AppEvent holding a copy of body. A kind that is neither built in nor in the application range
// is ErrUnknownKind.
func (r *Registry) Decode(k Kind, body []byte) (ev Event, err error) {
	if int(k) < len(builtinDecoders) && builtinDecoders[k] != nil {
		ev, err = builtinDecoders[k](body)
		if err != nil {
			return nil, err
		}
		return ev, nil
	}
	if !k.IsApp() {
		return nil, &DecodeError{Token: "kind", Err: errorsf(ErrUnknownKind, "%d", k)}
	}
	spec, ok := (*r.apps.Load())[k]
	if !ok {
		return AppEvent{Tag: k, Data: append([]byte(nil), body...)}, nil
	}
	defer func() {
		if p := recover(); p != nil {
			ev, err = nil, &DecodeError{Token: "body", Err: fmt.Errorf("%w: %s decoder panicked: %v", ErrMalformed, spec.Name, p)}
		}
	}()
	ev, err = spec.Decode(body)
	if err != nil {
		return nil, err
	}
	if ev == nil {
		return nil, &DecodeError{Token: "body", Err: fmt.Errorf("%w: %s decoder returned nil", ErrMalformed, spec.Name)}
	}
	return ev, nil
}

// Name returns the name of kind k: a built-in name, a registered one, or "kind-<n>".
func (r *Registry) Name(k Kind) string {
	if spec, ok := (*r.apps.Load())[k]; ok {
		return spec.Name
	}
	return k.String()
}

// Lookup returns the kind with the given name (built-in or registered).
func (r *Registry) Lookup(name string) (Kind, bool) {
	if k, ok := KindByName(name); ok {
		return k, true
	}
	for k, s := range *r.apps.Load() {
		if s.Name == name {
			return k, true
		}
	}
	return 0, false
}

// spec returns the registered spec of an application kind.
func (r *Registry) spec(k Kind) (KindSpec, bool) {
	s, ok := (*r.apps.Load())[k]
	return s, ok
}
