package cluster

import (
	"context"
	"io"
)

// Transport is what the Bus needs from a coordinator backend. Each call maps onto one Zenoh
// session call:
//
//	Publish          session.Put(key, payload) (or a declared publisher's Put)
//	Subscribe        session.DeclareSubscriber(key, callback)
//	DeclareToken     session.Liveliness().DeclareToken(key)
//	SubscribeTokens  session.Liveliness().DeclareSubscriber(keyexpr, history, callback)
//	Tokens           session.Liveliness().Get(keyexpr)
//
// Keys are Zenoh key expressions. The Bus publishes and subscribes to one key,
// "<prefix>/events", and uses tokens "<prefix>/node/<id>/<incarnation>" under the key
// expression "<prefix>/node/**".
//
// A backend without liveliness (NATS, Redis) returns ErrUnsupported from the three token calls;
// the Bus then has no membership view. Callbacks may run concurrently with each other (the Bus
// serializes them), but publications of one sender must reach a subscriber in the order they
// were published, as on a Zenoh reliable link. A transport may deliver a node's own
// publications to its own subscriber (Zenoh does); the Bus skips them.
type Transport interface {
	// Publish sends payload to every subscriber of key, at most once. It must not keep payload
	// after it returns. Publishing with no subscriber is not an error.
	Publish(ctx context.Context, key string, payload []byte) error
	// Subscribe calls fn for every payload published to key until the returned Closer is
	// closed. payload is valid only during the call. fn does not block for long (the Bus only
	// decodes and queues), so the transport may call it on its receive path.
	Subscribe(key string, fn func(key string, payload []byte)) (io.Closer, error)
	// DeclareToken makes key alive until the returned Closer is closed or the process dies
	// (then the transport's peers see it go within their lease).
	DeclareToken(key string) (io.Closer, error)
	// SubscribeTokens calls fn(key, true) when a token matching keyexpr appears and
	// fn(key, false) when it goes away. With history, it first calls fn(key, true) for the
	// tokens already alive.
	SubscribeTokens(keyexpr string, history bool, fn func(key string, alive bool)) (io.Closer, error)
	// Tokens returns the keys of the live tokens matching keyexpr.
	Tokens(ctx context.Context, keyexpr string) ([]string, error)
}

// EventKey returns the key events are published to under prefix.
func EventKey(prefix string) string { return prefix + "/events" }

// TokenKeyExpr returns the key expression that matches every node token under prefix.
func TokenKeyExpr(prefix string) string { return prefix + "/node/**" }
