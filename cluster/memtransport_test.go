package cluster

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

type tokLog struct {
	mu  sync.Mutex
	evs []string
}

func (l *tokLog) add(key string, alive bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, fmt.Sprintf("%s %v", key, alive))
}

func (l *tokLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.evs...)
}

func TestHubTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lease = 5 * time.Second
		h := NewHub(HubOptions{Lease: lease})
		a, _ := h.Join("a")
		b, _ := h.Join("b")
		c, _ := h.Join("c")
		if _, err := h.Join("a"); err == nil {
			t.Fatal("joined a second live node named a")
		}
		ta, _ := a.DeclareToken("p/node/a")
		c.DeclareToken("p/node/c")
		c.DeclareToken("other/c")
		var log tokLog
		b.SubscribeTokens("p/node/**", true, log.add) // history: a and c
		synctest.Wait()
		got := log.get()
		sort.Strings(got)
		if !reflect.DeepEqual(got, []string{"p/node/a true", "p/node/c true"}) {
			t.Fatalf("history %v", got)
		}
		ta.Close() // undeclared: gone at once
		synctest.Wait()
		h.Partition([]string{"b"}, []string{"a", "c"})
		time.Sleep(lease - time.Millisecond)
		h.Heal() // shorter than the lease: c never disappears
		synctest.Wait()
		h.Kill("c")
		time.Sleep(lease)
		synctest.Wait()
		want := []string{"p/node/a false", "p/node/c false"}
		if got := log.get()[2:]; !reflect.DeepEqual(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
		keys, _ := b.Tokens(context.Background(), "p/node/**")
		if len(keys) != 0 {
			t.Errorf("Tokens after everything went: %v", keys)
		}
		// c restarts under its name.
		c2, err := h.Join("c")
		if err != nil {
			t.Fatal(err)
		}
		c2.DeclareToken("p/node/c")
		synctest.Wait()
		if got := log.get(); got[len(got)-1] != "p/node/c true" {
			t.Errorf("restart not seen: %v", got)
		}
		if err := c.Publish(context.Background(), "k", nil); err != ErrClosed {
			t.Errorf("Publish on a killed node = %v", err)
		}
		h.Close()
	})
}

func TestHubDataFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(HubOptions{InboxSize: 3})
		a, _ := h.Join("a")
		b, _ := h.Join("b")
		var mu sync.Mutex
		var got []string
		gate := make(chan struct{})
		b.Subscribe("k", func(key string, p []byte) {
			if string(p) == "block" {
				<-gate
			}
			mu.Lock()
			got = append(got, string(p))
			mu.Unlock()
		})
		ctx := context.Background()
		a.Publish(ctx, "k", []byte("block"))
		synctest.Wait()
		for i := range 5 { // b's callback is stuck: its inbox holds 3, the rest overflow
			a.Publish(ctx, "k", []byte(fmt.Sprint(i)))
		}
		close(gate)
		synctest.Wait()
		if want := []string{"block", "0", "1", "2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if st := h.Stats(); st.Overflowed < 2 { // 2 for b, maybe some for a's own echo

			t.Errorf("stats %+v", st)
		}
		got = nil
		h.SetFilter(func(from, to, key string) bool { return key != "k" })
		a.Publish(ctx, "k", []byte("x"))
		h.SetFilter(nil)
		h.SetReorder(1)
		a.Publish(ctx, "k", []byte("y")) // held
		h.SetReorder(0)
		a.Publish(ctx, "k", []byte("z")) // delivered, then y
		synctest.Wait()
		if want := []string{"z", "y"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if st := h.Stats(); st.Lost != 1 || st.Reordered != 1 {
			t.Errorf("stats %+v", st)
		}
		h.Close()
	})
}
