package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"time"

	"github.com/gozenoh/zenoh/wire"
)

// The acceptor keeps no state between its InitAck and the OpenSyn: what it negotiated travels
// in the cookie, which the opener echoes. The cookie is authenticated with HMAC-SHA256 under a
// key drawn once per Manager, binds the link it was issued on (its remote locator enters the
// MAC but not the cookie), and expires after the accept timeout.
//
// Layout (all ours; a peer treats it as opaque):
//
//	version   u8 (1)
//	expiry    u64 LE, UNIX nanoseconds
//	whatami   u8 (bitmask value)
//	res       u8 (resolution byte)
//	batch     u16 LE
//	flags     u8 (bit 0 QoS)
//	patch     u8
//	zid_len   u8, then zid_len bytes
//	mac       16 bytes: HMAC-SHA256(key, remote locator ‖ all of the above) truncated
const (
	cookieVersion = 1
	cookieMACLen  = 16
	cookieFixed   = 1 + 8 + 1 + 1 + 2 + 1 + 1 + 1
	cookieMaxLen  = cookieFixed + wire.MaxZIDSize + cookieMACLen
)

var errCookie = errors.New("session: bad cookie")

// cookieState is what an acceptor negotiated in its InitAck.
type cookieState struct {
	zid     wire.ZenohID
	whatami wire.WhatAmI
	res     wire.Resolution
	batch   uint16
	qos     bool
	patch   uint8
}

// cookieKey authenticates cookies.
type cookieKey [32]byte

func newCookieKey() cookieKey {
	var k cookieKey
	if _, err := rand.Read(k[:]); err != nil {
		panic("session: no randomness for the cookie key: " + err.Error())
	}
	return k
}

func (k *cookieKey) mac(dst []byte, remote string, body []byte) []byte {
	h := hmac.New(sha256.New, k[:])
	h.Write([]byte(remote))
	h.Write(body)
	var sum [sha256.Size]byte
	return append(dst, h.Sum(sum[:0])[:cookieMACLen]...)
}

// seal builds the cookie for link remote, valid until expiry.
func (k *cookieKey) seal(s cookieState, remote string, expiry time.Time) []byte {
	b := make([]byte, 0, cookieMaxLen)
	b = append(b, cookieVersion)
	b = binary.LittleEndian.AppendUint64(b, uint64(expiry.UnixNano()))
	b = append(b, byte(s.whatami), byte(s.res))
	b = binary.LittleEndian.AppendUint16(b, s.batch)
	var flags byte
	if s.qos {
		flags |= 1
	}
	n := s.zid.Size()
	b = append(b, flags, s.patch, byte(n))
	b = append(b, s.zid[:n]...)
	return k.mac(b, remote, b)
}

// open checks a cookie echoed on link remote at time now and returns its state.
func (k *cookieKey) open(c []byte, remote string, now time.Time) (cookieState, error) {
	var s cookieState
	if len(c) < cookieFixed+1+cookieMACLen || len(c) > cookieMaxLen {
		return s, errCookie
	}
	body, mac := c[:len(c)-cookieMACLen], c[len(c)-cookieMACLen:]
	var want [cookieMACLen]byte
	if !hmac.Equal(mac, k.mac(want[:0], remote, body)) {
		return s, errCookie
	}
	if body[0] != cookieVersion {
		return s, errCookie
	}
	if now.UnixNano() > int64(binary.LittleEndian.Uint64(body[1:9])) {
		return s, errors.New("session: cookie expired")
	}
	s.whatami = wire.WhatAmI(body[9])
	s.res = wire.Resolution(body[10])
	s.batch = binary.LittleEndian.Uint16(body[11:13])
	s.qos = body[13]&1 != 0
	s.patch = body[14]
	n := int(body[15])
	if n != len(body)-cookieFixed {
		return s, errCookie
	}
	id, err := wire.ZenohIDFromBytes(body[cookieFixed:])
	if err != nil {
		return s, errCookie
	}
	s.zid = id
	return s, nil
}
