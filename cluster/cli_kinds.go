package cluster

import (
	"net/netip"
	"strconv"
	"strings"
)

var argParsers = map[Kind]func(kind string, words []string) (Event, error){
	KindStateChange: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, []string{"types"}, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(2, 2); err != nil {
			return nil, err
		}
		acc, err1 := a.uint(a.pos[0], "account", 32)
		ch, err2 := a.uint(a.pos[1], "change id", 64)
		var types uint64
		var err3 error
		if s, ok := a.flags["types"]; ok {
			types, err3 = a.uint(s, "types", 64)
		}
		return StateChange{AccountID: uint32(acc), ChangeID: ch, Types: types}, firstErr(err1, err2, err3)
	},
	KindEmailPush: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(3, 3); err != nil {
			return nil, err
		}
		acc, err1 := a.uint(a.pos[0], "account", 32)
		em, err2 := a.uint(a.pos[1], "email", 32)
		ch, err3 := a.uint(a.pos[2], "change id", 64)
		return EmailPush{AccountID: uint32(acc), EmailID: uint32(em), ChangeID: ch}, firstErr(err1, err2, err3)
	},
	KindCalendarAlert: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, []string{"recurrence", "uid", "alert"}, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(2, 2); err != nil {
			return nil, err
		}
		acc, err1 := a.uint(a.pos[0], "account", 32)
		ev, err2 := a.uint(a.pos[1], "event", 32)
		e := CalendarAlert{AccountID: uint32(acc), EventID: uint32(ev), UID: a.flags["uid"], AlertID: a.flags["alert"]}
		var err3 error
		if s, ok := a.flags["recurrence"]; ok {
			if e.RecurrenceID, err3 = strconv.ParseInt(s, 0, 64); err3 != nil {
				err3 = errorsf(ErrInvalidEvent, "%s: --recurrence %q is not a number", kind, s)
			}
		}
		return e, firstErr(err1, err2, err3)
	},
	KindPushServerUpdate: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(1, 1); err != nil {
			return nil, err
		}
		acc, err := a.uint(a.pos[0], "account", 32)
		return PushServerUpdate{AccountID: uint32(acc)}, err
	},
	KindCacheInvalidate: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(0, MaxListItems); err != nil {
			return nil, err
		}
		var e CacheInvalidate
		for _, p := range a.pos {
			ks, ids, ok := strings.Cut(p, ":")
			if !ok {
				return nil, errorsf(ErrInvalidEvent, "%s: %q is not <cache>:<id>", kind, p)
			}
			ck, err := parseCacheKind(ks)
			if err != nil {
				return nil, errorsf(ErrInvalidEvent, "%s: %v", kind, err)
			}
			id, err := a.uint(ids, "id", 64)
			if err != nil {
				return nil, err
			}
			e.Items = append(e.Items, CacheItem{Kind: ck, ID: id})
		}
		return e, nil
	},
	KindCacheInvalidateAll: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, []string{"negative"})
		if err != nil {
			return nil, err
		}
		_, neg := a.flags["negative"]
		return CacheInvalidateAll{NegativeOnly: neg}, a.count(0, 0)
	},
	KindSettingsReload: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		e := SettingsReload{}
		if len(a.pos) == 1 {
			e.Section = a.pos[0]
		}
		return e, a.count(0, 1)
	},
	KindObjectChanged: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(3, 3); err != nil {
			return nil, err
		}
		e := ObjectChanged{Type: a.pos[1]}
		for op, n := range opNames {
			if n == a.pos[0] {
				e.Op = op
			}
		}
		if e.Op == 0 {
			return nil, errorsf(ErrInvalidEvent, "%s: %q is not insert, update or delete", kind, a.pos[0])
		}
		e.ID, err = a.uint(a.pos[2], "id", 64)
		return e, err
	},
	KindBlockedIP: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, []string{"expires", "reason"}, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(1, 1); err != nil {
			return nil, err
		}
		e := BlockedIP{Reason: a.flags["reason"]}
		if e.Prefix, err = netip.ParsePrefix(a.pos[0]); err != nil {
			ip, err2 := netip.ParseAddr(a.pos[0])
			if err2 != nil || ip.Zone() != "" {
				return nil, errorsf(ErrInvalidEvent, "%s: %q is not an address or prefix", kind, a.pos[0])
			}
			e.Prefix = netip.PrefixFrom(ip, ip.BitLen())
		}
		e.Expires, err = a.time("expires")
		return e, err
	},
	KindCertificateRenewed: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, []string{"not-after"}, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(0, MaxListItems); err != nil {
			return nil, err
		}
		e := CertificateRenewed{Names: a.pos}
		e.NotAfter, err = a.time("not-after")
		return e, err
	},
	KindSpamModelReload: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		return SpamModelReload{}, a.count(0, 0)
	},
	KindQueueStatus: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		if err := a.count(1, 1); err != nil {
			return nil, err
		}
		switch a.pos[0] {
		case "running":
			return QueueStatus{Running: true}, nil
		case "paused":
			return QueueStatus{}, nil
		}
		return nil, errorsf(ErrInvalidEvent, "%s: %q is not running or paused", kind, a.pos[0])
	},
	KindQueueRefresh: func(kind string, words []string) (Event, error) {
		a, err := splitArgs(kind, words, nil, nil)
		if err != nil {
			return nil, err
		}
		e := QueueRefresh{}
		if len(a.pos) == 1 {
			e.Queue = a.pos[0]
		}
		return e, a.count(0, 1)
	},
}

func parseCacheKind(s string) (CacheKind, error) {
	for k, n := range cacheNames {
		if n == s {
			return k, nil
		}
	}
	v, err := strconv.ParseUint(s, 0, 8)
	if err != nil || v == 0 {
		return 0, errorsf(ErrInvalidEvent, "unknown cache %q", s)
	}
	return CacheKind(v), nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
