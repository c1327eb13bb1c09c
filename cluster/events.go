package cluster

import (
	"net/netip"
	"time"
)

// Event is one cluster event. Wire events encode their body with AppendBinary (the
// encoding.BinaryAppender contract); local-only events (Resync, MemberUp, …) return
// ErrInvalidEvent from it.
//
// Events delivered to subscriptions are shared between them: treat them as read-only.
type Event interface {
	Kind() Kind
	AppendBinary(b []byte) ([]byte, error)
}

// StateChange says that JMAP/IMAP state of an account changed (Stalwart's
// PushNotification(StateChange)): IMAP IDLE and JMAP push sessions on every node wake up.
type StateChange struct {
	AccountID uint32
	ChangeID  uint64
	// Types is a bitmap of data-type bit positions (Stalwart: Email=0, EmailDelivery=1,
	// EmailSubmission=2, Mailbox=3, Thread=4, Identity=5, …).
	Types uint64
}

// EmailPush says that an email was delivered to an account.
type EmailPush struct {
	AccountID uint32
	EmailID   uint32
	ChangeID  uint64
}

// CalendarAlert says that a calendar alarm fired.
type CalendarAlert struct {
	AccountID    uint32
	EventID      uint32
	RecurrenceID int64 // 0 = none
	UID          string
	AlertID      string
}

// PushServerUpdate says that the push subscriptions of an account changed.
type PushServerUpdate struct {
	AccountID uint32
}

// CacheKind names a cache whose entries CacheInvalidate removes.
//
// WARNING: wire values; only append.
type CacheKind uint8

// Cache kinds (Stalwart's CacheInvalidation markers, shifted by one so that 0 is invalid).
// Values from CacheAppMin up are free for applications.
const (
	CacheAccessToken    CacheKind = 1
	CacheDavResources   CacheKind = 2
	CacheDomain         CacheKind = 3
	CacheAccount        CacheKind = 4
	CacheDKIMSignature  CacheKind = 5
	CacheTenant         CacheKind = 6
	CacheRole           CacheKind = 7
	CacheList           CacheKind = 8
	CacheDomainLogo     CacheKind = 9
	CacheTenantLogo     CacheKind = 10
	CacheEmailNegative  CacheKind = 11 // ID = domain id << 32 | local-part hash
	CacheDomainNegative CacheKind = 12
	CacheAppMin         CacheKind = 128
)

// CacheItem is one cache entry to invalidate.
type CacheItem struct {
	Kind CacheKind
	ID   uint64
}

// CacheInvalidate removes the listed entries from the caches on every node.
type CacheInvalidate struct {
	Items []CacheItem
}

// CacheInvalidateAll empties every cache, or only the negative (not-found) caches.
type CacheInvalidateAll struct {
	NegativeOnly bool
}

// SettingsReload asks every node to reload its settings: all of them when Section is empty,
// otherwise one section ("certificate", "blocked-ip", "spam-filter", …).
type SettingsReload struct {
	Section string
}

// ObjectOp is what happened to an object.
//
// WARNING: wire values; only append.
type ObjectOp uint8

// Object operations.
const (
	ObjectInserted ObjectOp = 1
	ObjectUpdated  ObjectOp = 2
	ObjectDeleted  ObjectOp = 3
)

// ObjectChanged says that a configuration object was inserted, updated or deleted in the shared
// store (Stalwart 0.16's RegistryChange); receivers reload that one object.
type ObjectChanged struct {
	Op   ObjectOp
	Type string
	ID   uint64
}

// BlockedIP says that an address range was blocked. Unlike Stalwart's "reload the list", it
// carries the range, so receivers can apply it without reading the store.
type BlockedIP struct {
	Prefix netip.Prefix
	// Expires is when the block ends, with one-second precision; zero means permanent.
	Expires time.Time
	Reason  string
}

// CertificateRenewed says that a TLS certificate was renewed and written to the shared store.
type CertificateRenewed struct {
	Names []string
	// NotAfter is the end of the new certificate's validity, with one-second precision.
	NotAfter time.Time
}

// SpamModelReload asks every node to reload the spam classifier model.
type SpamModelReload struct{}

// QueueStatus pauses (Running false) or resumes the outbound mail queue on every node.
type QueueStatus struct {
	Running bool
}

// QueueRefresh wakes the queue scanner of the named queue ("" = the default queue) on the nodes
// that run it.
type QueueRefresh struct {
	Queue string
}

// AppEvent is an application event delivered as bytes: it is what a receiver gets for an
// application kind (KindAppMin..KindAppMax) with no decoder in its Registry. Applications may
// also publish it directly.
type AppEvent struct {
	Tag  Kind
	Data []byte
}

// Kind returns KindStateChange.
func (StateChange) Kind() Kind { return KindStateChange }

// Kind returns KindEmailPush.
func (EmailPush) Kind() Kind { return KindEmailPush }

// Kind returns KindCalendarAlert.
func (CalendarAlert) Kind() Kind { return KindCalendarAlert }

// Kind returns KindPushServerUpdate.
func (PushServerUpdate) Kind() Kind { return KindPushServerUpdate }

// Kind returns KindCacheInvalidate.
func (CacheInvalidate) Kind() Kind { return KindCacheInvalidate }

// Kind returns KindCacheInvalidateAll.
func (CacheInvalidateAll) Kind() Kind { return KindCacheInvalidateAll }

// Kind returns KindSettingsReload.
func (SettingsReload) Kind() Kind { return KindSettingsReload }

// Kind returns KindObjectChanged.
func (ObjectChanged) Kind() Kind { return KindObjectChanged }

// Kind returns KindBlockedIP.
func (BlockedIP) Kind() Kind { return KindBlockedIP }

// Kind returns KindCertificateRenewed.
func (CertificateRenewed) Kind() Kind { return KindCertificateRenewed }

// Kind returns KindSpamModelReload.
func (SpamModelReload) Kind() Kind { return KindSpamModelReload }

// Kind returns KindQueueStatus.
func (QueueStatus) Kind() Kind { return KindQueueStatus }

// Kind returns KindQueueRefresh.
func (QueueRefresh) Kind() Kind { return KindQueueRefresh }

// Kind returns the event's Tag.
func (e AppEvent) Kind() Kind { return e.Tag }
