package clustertest

import (
	"reflect"
	"testing"

	"github.com/gozenoh/zenoh/cluster"
)

var (
	a = Node{ID: 1, Incarnation: 0xa}
	b = Node{ID: 2, Incarnation: 0xb}
)

func TestCheckerCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  func(c *Checker)
		want Report
		ok   bool
	}{
		{"exactly once", func(c *Checker) {
			c.Join(a)
			c.Join(b)
			c.Publish(a, 1)
			c.Publish(a, 2)
			c.Deliver(b, a, 1)
			c.Deliver(b, a, 2)
		}, Report{Receivers: 2, Published: 2, Expected: 2, Delivered: 2}, true},
		{"duplicate", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Deliver(b, a, 1)
			c.Deliver(b, a, 1)
		}, Report{Receivers: 1, Published: 1, Expected: 1, Delivered: 1, Duplicated: 1}, false},
		{"out of order", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Publish(a, 2)
			c.Deliver(b, a, 2)
			c.Deliver(b, a, 1)
		}, Report{Receivers: 1, Published: 2, Expected: 2, Delivered: 2, OutOfOrder: 1}, false},
		{"silent loss", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Publish(a, 2)
			c.Deliver(b, a, 2)
		}, Report{Receivers: 1, Published: 2, Expected: 2, Delivered: 1, Missing: 1, Uncovered: 1}, false},
		{"resync before the publish covers nothing", func(c *Checker) {
			c.Join(b)
			c.Resync(b, 1)
			c.Publish(a, 1)
		}, Report{Receivers: 1, Published: 1, Expected: 1, Missing: 1, Uncovered: 1, Resyncs: 1}, false},
		{"covered by a resync of that sender", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Publish(a, 2)
			c.Resync(b, 1)
			c.Deliver(b, a, 2)
		}, Report{Receivers: 1, Published: 2, Expected: 2, Delivered: 1, Missing: 1, Covered: 1, Resyncs: 1}, true},
		{"a resync of another sender does not cover", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Resync(b, 3)
		}, Report{Receivers: 1, Published: 1, Expected: 1, Missing: 1, Uncovered: 1, Resyncs: 1}, false},
		{"covered by an all-nodes resync", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Resync(b, cluster.AllNodes)
		}, Report{Receivers: 1, Published: 1, Expected: 1, Missing: 1, Covered: 1, Resyncs: 1}, true},
		{"lost at departure", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Leave(b)
		}, Report{Receivers: 1, Published: 1, Expected: 1, Missing: 1, LostAtDeparture: 1}, true},
		{"a gap before departure is still a loss", func(c *Checker) {
			c.Join(b)
			c.Publish(a, 1)
			c.Publish(a, 2)
			c.Deliver(b, a, 2)
			c.Leave(b)
		}, Report{Receivers: 1, Published: 2, Expected: 2, Delivered: 1, Missing: 1, Uncovered: 1}, false},
		{"not expected outside the receiver's life", func(c *Checker) {
			c.Publish(a, 1)
			c.Join(b)
			c.Leave(b)
			c.Publish(a, 2)
			c.Deliver(b, a, 1)
		}, Report{Receivers: 1, Published: 2}, true},
		{"phantom", func(c *Checker) {
			c.Join(b)
			c.Deliver(b, a, 9)
		}, Report{Receivers: 1, Unknown: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New()
			tc.log(c)
			got := c.Check()
			if got.OK() != tc.ok {
				t.Errorf("OK() = %v, want %v: %v", got.OK(), tc.ok, got)
			}
			got.Problems = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestCheckerAddWithStamps(t *testing.T) {
	c := New()
	c.Add(
		Entry{Stamp: 30, Op: OpDeliver, At: b, From: a, Seq: 1},
		Entry{Stamp: 10, Op: OpJoin, At: b},
		Entry{Stamp: 20, Op: OpPublish, At: a, From: a, Seq: 1},
	)
	if r := c.Check(); !r.OK() || r.Delivered != 1 || r.Expected != 1 {
		t.Errorf("%v", r)
	}
}
