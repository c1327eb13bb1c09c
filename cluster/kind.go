package cluster

import "strconv"

// Kind is the tag of an event on the wire.
//
// WARNING: the numeric values are part of the protocol. Only append; never renumber or reuse.
type Kind uint16

// Kinds of the built-in events (1..KindAppMin-1, reserved for this package).
const (
	KindStateChange        Kind = 1  // StateChange
	KindEmailPush          Kind = 2  // EmailPush
	KindCalendarAlert      Kind = 3  // CalendarAlert
	KindPushServerUpdate   Kind = 4  // PushServerUpdate
	KindCacheInvalidate    Kind = 5  // CacheInvalidate
	KindCacheInvalidateAll Kind = 6  // CacheInvalidateAll
	KindSettingsReload     Kind = 7  // SettingsReload
	KindObjectChanged      Kind = 8  // ObjectChanged
	KindBlockedIP          Kind = 9  // BlockedIP
	KindCertificateRenewed Kind = 10 // CertificateRenewed
	KindSpamModelReload    Kind = 11 // SpamModelReload
	KindQueueStatus        Kind = 12 // QueueStatus
	KindQueueRefresh       Kind = 13 // QueueRefresh
)

// Ranges of kinds.
const (
	// KindAppMin is the first kind free for applications; kinds below it belong to this package,
	// and a receiver skips those it does not know (a newer node's built-ins).
	KindAppMin Kind = 0x100
	// KindAppMax is the last kind that may travel on the wire.
	KindAppMax Kind = 0xEFFF
	// KindLocalMin is the first local-only kind (Resync, MemberUp, …), never sent on the wire.
	KindLocalMin Kind = 0xF000
)

// Local-only kinds: events the Bus delivers to subscriptions but never sends.
const (
	KindResync     Kind = 0xF000 // Resync
	KindMemberUp   Kind = 0xF001 // MemberUp
	KindMemberDown Kind = 0xF002 // MemberDown
	KindCollision  Kind = 0xF003 // Collision
)

var kindNames = map[Kind]string{
	KindStateChange:        "state-change",
	KindEmailPush:          "email-push",
	KindCalendarAlert:      "calendar-alert",
	KindPushServerUpdate:   "push-server-update",
	KindCacheInvalidate:    "cache-invalidate",
	KindCacheInvalidateAll: "cache-invalidate-all",
	KindSettingsReload:     "settings-reload",
	KindObjectChanged:      "object-changed",
	KindBlockedIP:          "blocked-ip",
	KindCertificateRenewed: "certificate-renewed",
	KindSpamModelReload:    "spam-model-reload",
	KindQueueStatus:        "queue-status",
	KindQueueRefresh:       "queue-refresh",
	KindResync:             "resync",
	KindMemberUp:           "member-up",
	KindMemberDown:         "member-down",
	KindCollision:          "collision",
}

var kindsByName = func() map[string]Kind {
	m := make(map[string]Kind, len(kindNames))
	for k, n := range kindNames {
		m[n] = k
	}
	return m
}()

// String returns the kind's name ("blocked-ip"), or "kind-<n>" for a kind without a built-in
// name (Registry.Name also knows application kinds).
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "kind-" + strconv.FormatUint(uint64(k), 10)
}

// IsLocal reports whether k is a local-only kind, never sent on the wire.
func (k Kind) IsLocal() bool { return k >= KindLocalMin }

// IsApp reports whether k is in the range free for applications.
func (k Kind) IsApp() bool { return k >= KindAppMin && k <= KindAppMax }

// KindByName returns the built-in kind with the given name ("blocked-ip"), or a kind written
// "kind-<n>" (as String writes it). Registry.Lookup also knows application names.
func KindByName(name string) (Kind, bool) {
	if k, ok := kindsByName[name]; ok {
		return k, true
	}
	if len(name) > 5 && name[:5] == "kind-" {
		v, err := strconv.ParseUint(name[5:], 10, 16)
		if err == nil && v != 0 {
			return Kind(v), true
		}
	}
	return 0, false
}

// BuiltinKinds returns the wire kinds defined by this package, in numeric order.
func BuiltinKinds() []Kind {
	ks := make([]Kind, 0, KindQueueRefresh)
	for k := KindStateChange; k <= KindQueueRefresh; k++ {
		ks = append(ks, k)
	}
	return ks
}
