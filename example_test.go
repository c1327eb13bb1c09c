package zenoh_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	zenoh "github.com/gozenoh/zenoh"
)

// loopbackPeers opens two peers connected over loopback TCP, multicast scouting off: the
// second one connects to the first one's listener.
func loopbackPeers(ctx context.Context) (a, b *zenoh.Session, err error) {
	cfg := zenoh.DefaultConfig()
	for path, v := range map[string]string{
		"scouting/multicast/enabled": "false",
		"listen/endpoints":           `["tcp/127.0.0.1:0"]`,
	} {
		if err := cfg.Insert(path, v); err != nil {
			return nil, nil, err
		}
	}
	if a, err = zenoh.Open(ctx, cfg); err != nil {
		return nil, nil, err
	}
	if err := cfg.Insert("connect/endpoints", `["`+a.Info().Locators[0]+`"]`); err != nil {
		a.Close()
		return nil, nil, err
	}
	if b, err = zenoh.Open(ctx, cfg); err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

// waitMatching waits until a subscriber on key is known to s.
func waitMatching(s *zenoh.Session, key string) {
	pub, err := s.DeclarePublisher(key)
	if err != nil {
		log.Fatal(err)
	}
	defer pub.Close()
	for !pub.Matching() {
		time.Sleep(time.Millisecond)
	}
}

func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := zenoh.DefaultConfig() // a peer with multicast scouting
	if err := cfg.Insert("listen/endpoints", `["tcp/127.0.0.1:0"]`); err != nil {
		log.Fatal(err)
	}
	if err := cfg.Insert("scouting/multicast/enabled", "false"); err != nil {
		log.Fatal(err)
	}
	s, err := zenoh.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	fmt.Println(s.Mode(), len(s.Info().Locators))
	// Output: peer 1
}

func ExampleSession_DeclareSubscriber() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	done := make(chan struct{})
	sub, err := a.DeclareSubscriber("demo/**", func(s zenoh.Sample) {
		// Payload is valid only during the callback: print it (or copy it) here.
		fmt.Printf("%s %s %q (%s)\n", s.Kind, s.Key, s.Payload, s.Encoding)
		if s.Kind == zenoh.SampleKindDelete {
			close(done)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Close()
	waitMatching(b, "demo/a")

	if err := b.Put(ctx, "demo/a", []byte("hello"), zenoh.WithEncoding(zenoh.EncodingTextPlain)); err != nil {
		log.Fatal(err)
	}
	if err := b.Delete(ctx, "demo/a"); err != nil {
		log.Fatal(err)
	}
	<-done
	// Output:
	// put demo/a "hello" (text/plain)
	// delete demo/a "" (zenoh/bytes)
}

func ExampleSession_DeclarePublisher() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	sub, err := a.DeclareSubscriberChan("sensor/*", 16, zenoh.DropOldest)
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Close()
	pub, err := b.DeclarePublisher("sensor/temp", zenoh.WithEncoding(zenoh.EncodingApplicationJSON),
		zenoh.WithPriority(zenoh.PriorityRealTime))
	if err != nil {
		log.Fatal(err)
	}
	defer pub.Close()
	for !pub.Matching() {
		time.Sleep(time.Millisecond)
	}
	for i := range 3 {
		if err := pub.Put(ctx, fmt.Appendf(nil, `{"t":%d}`, 20+i)); err != nil {
			log.Fatal(err)
		}
	}
	for range 3 {
		s, err := sub.Recv(ctx) // an owned copy
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.Key, string(s.Payload), s.Encoding, s.Priority)
	}
	// Output:
	// sensor/temp {"t":20} application/json real-time
	// sensor/temp {"t":21} application/json real-time
	// sensor/temp {"t":22} application/json real-time
}

func ExampleSession_Get() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	q, err := a.DeclareQueryable("store/**", func(q *zenoh.Query) {
		if q.Parameters() == "fail=1" {
			q.ReplyErr([]byte("refused"))
			return
		}
		q.Reply("store/a", []byte("1"))
		q.Reply("store/b", []byte("2"))
	})
	if err != nil {
		log.Fatal(err)
	}
	defer q.Close()
	for n := 0; n == 0; { // wait until b knows the queryable
		for range b.Get(ctx, "store/**") {
			n++
		}
	}

	for reply, err := range b.Get(ctx, "store/**", zenoh.WithConsolidation(zenoh.ConsolidationNone)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(reply.Sample.Key, string(reply.Sample.Payload))
	}
	for _, err := range b.Get(ctx, "store/**?fail=1") {
		var re *zenoh.ReplyError
		if errors.As(err, &re) {
			fmt.Println("error reply:", string(re.Payload))
		}
	}
	// Unordered output:
	// store/a 1
	// store/b 2
	// error reply: refused
}

func ExampleLiveliness() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	events, err := b.Liveliness().DeclareSubscriberChan("group/**", 8, zenoh.Block)
	if err != nil {
		log.Fatal(err)
	}
	defer events.Close()
	tok, err := a.Liveliness().DeclareToken("group/node/1")
	if err != nil {
		log.Fatal(err)
	}
	s, _ := events.Recv(ctx)
	fmt.Println(s.Kind, s.Key)
	for reply, err := range b.Liveliness().Get(ctx, "group/**") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("alive:", reply.Sample.Key)
	}
	tok.Close()
	s, _ = events.Recv(ctx)
	fmt.Println(s.Kind, s.Key)
	// Output:
	// put group/node/1
	// alive: group/node/1
	// delete group/node/1
}

func ExamplePublisher_WatchMatching() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	pub, err := b.DeclarePublisher("news/today")
	if err != nil {
		log.Fatal(err)
	}
	defer pub.Close()
	status := make(chan bool, 4)
	if _, err := pub.WatchMatching(func(m bool) { status <- m }); err != nil {
		log.Fatal(err)
	}
	sub, err := a.DeclareSubscriber("news/**", func(zenoh.Sample) {})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("matching:", <-status)
	sub.Close()
	fmt.Println("matching:", <-status)
	// Output:
	// matching: true
	// matching: false
}

func ExampleScout() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for hello, err := range zenoh.Scout(ctx, zenoh.DefaultConfig(), zenoh.WithWhat(zenoh.WhatAmIMatcher(zenoh.WhatAmIPeer|zenoh.WhatAmIRouter))) {
		if err != nil {
			log.Print(err)
			return
		}
		fmt.Println(hello.WhatAmI, hello.ZID, hello.Locators)
	}
}

func ExampleNewEncoding() {
	fmt.Println(zenoh.NewEncoding("text/plain;utf-8").ID(), zenoh.NewEncoding("text/plain;utf-8").Schema())
	fmt.Println(zenoh.EncodingApplicationJSON.WithSchema("v2"))
	fmt.Println(zenoh.NewEncoding("my/format;v1").ID() == 0xffff)
	// Output:
	// 4 utf-8
	// application/json;v2
	// true
}

func ExampleSession_Put() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := zenoh.DefaultConfig()
	if err := cfg.Insert("scouting/multicast/enabled", "false"); err != nil {
		log.Fatal(err)
	}
	if err := cfg.Insert("listen/endpoints", `["tcp/127.0.0.1:0"]`); err != nil {
		log.Fatal(err)
	}
	s, err := zenoh.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	got := make(chan zenoh.Sample, 1)
	sub, err := s.DeclareSubscriber("home/*/temp", func(smp zenoh.Sample) { got <- smp.Clone() })
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Close()
	// Local subscribers receive the session's own publications too.
	err = s.Put(ctx, "home/kitchen/temp", []byte("21.5"),
		zenoh.WithEncoding(zenoh.EncodingTextPlain),
		zenoh.WithAttachment([]byte("celsius")),
		zenoh.WithPriority(zenoh.PriorityDataHigh),
		zenoh.WithCongestionControl(zenoh.CongestionControlBlock))
	if err != nil {
		log.Fatal(err)
	}
	smp := <-got
	fmt.Println(smp.Key, string(smp.Payload), smp.Encoding, string(smp.Attachment), smp.Priority, smp.CongestionControl)
	// Output: home/kitchen/temp 21.5 text/plain celsius data-high block
}

func ExampleSession_DeclareQueryable() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, b, err := loopbackPeers(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	// A queryable that answers later, from another goroutine: Detach, then Finish.
	q, err := a.DeclareQueryable("calc/square", func(q *zenoh.Query) {
		q.Detach()
		go func() {
			defer q.Finish()
			pl, _ := q.Payload()
			n := int(pl[0])
			q.Reply("calc/square", []byte{byte(n * n)}, zenoh.WithEncoding(zenoh.EncodingZenohBytes))
		}()
	}, zenoh.WithComplete(true))
	if err != nil {
		log.Fatal(err)
	}
	defer q.Close()
	for n := 0; n == 0; { // wait until b knows the queryable
		for range b.Get(ctx, "calc/square", zenoh.WithPayload([]byte{1})) {
			n++
		}
	}
	for reply, err := range b.Get(ctx, "calc/square", zenoh.WithPayload([]byte{7})) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(reply.Sample.Key, reply.Sample.Payload[0], reply.Replier == a.ZID())
	}
	// Output: calc/square 49 true
}

func ExampleSession_DeclareTransportListener() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := zenoh.DefaultConfig()
	for path, v := range map[string]string{
		"scouting/multicast/enabled": "false",
		"listen/endpoints":           `["tcp/127.0.0.1:0"]`,
	} {
		if err := cfg.Insert(path, v); err != nil {
			log.Fatal(err)
		}
	}
	a, err := zenoh.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	events := make(chan zenoh.TransportEvent, 4)
	l, err := a.DeclareTransportListener(func(ev zenoh.TransportEvent) { events <- ev }, zenoh.WithHistory(true))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// A second session connects to the first one, then leaves.
	if err := cfg.Insert("connect/endpoints", `["`+a.Info().Locators[0]+`"]`); err != nil {
		log.Fatal(err)
	}
	b, err := zenoh.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	ev := <-events
	fmt.Println(ev.Kind, ev.Transport.WhatAmI, ev.Transport.ZID == b.ZID(), len(a.Transports()))
	b.Close()
	ev = <-events
	fmt.Println(ev.Kind, ev.Transport.WhatAmI, ev.Transport.ZID == b.ZID(), ev.Err != nil)
	// Output:
	// opened peer true 1
	// closed peer true true
}
