package zenoh

import (
	"log/slog"
	"time"
)

// Options are small values passed to the call they configure. Each option type implements the
// option interfaces of the calls it applies to, so that a misplaced option does not compile:
// WithEncoding, for instance, is a PutOption, a PublisherOption and a GetOption.

// PutOption configures Session.Put and Delete, Publisher.Put and Delete, and the replies of a
// Query.
type PutOption interface{ applyPut(putConfig) putConfig }

// PublisherOption configures Session.DeclarePublisher.
type PublisherOption interface{ applyPublisher(pubConfig) pubConfig }

// SubscriberOption configures the subscribers (Session.DeclareSubscriber,
// DeclareSubscriberChan and their liveliness counterparts).
type SubscriberOption interface{ applySubscriber(subConfig) subConfig }

// QueryableOption configures Session.DeclareQueryable.
type QueryableOption interface{ applyQueryable(qablConfig) qablConfig }

// GetOption configures Session.Get and Liveliness.Get.
type GetOption interface{ applyGet(getConfig) getConfig }

// OpenOption configures Open.
type OpenOption interface{ applyOpen(openConfig) openConfig }

// putConfig is what a publication carries.
type putConfig struct {
	encoding   Encoding
	attachment []byte
	timestamp  Timestamp
	priority   Priority
	cc         CongestionControl
	express    bool
}

// pubConfig is a publisher's declaration.
type pubConfig struct {
	encoding    Encoding
	priority    Priority
	cc          CongestionControl
	express     bool
	reliability Reliability
}

// subConfig is a subscriber's delivery.
type subConfig struct {
	queue        int
	queueBytes   int
	policy       OverflowPolicy
	blockTimeout time.Duration
	history      bool
	direct       bool
}

// qablConfig is a queryable's declaration.
type qablConfig struct {
	complete bool
	queue    int
}

// getConfig is a query.
type getConfig struct {
	target        QueryTarget
	consolidation ConsolidationMode
	payload       []byte
	hasPayload    bool
	encoding      Encoding
	attachment    []byte
	priority      Priority
	cc            CongestionControl
	express       bool
	timeout       time.Duration
}

// openConfig is what Open takes besides the Zenoh configuration.
type openConfig struct {
	logger *slog.Logger
}

// EncodingOption sets the encoding of a publication, publisher, reply or query payload.
type EncodingOption struct{ e Encoding }

// WithEncoding sets the encoding of the payload (EncodingZenohBytes by default).
func WithEncoding(e Encoding) EncodingOption { return EncodingOption{e} }

func (o EncodingOption) applyPut(c putConfig) putConfig                { c.encoding = o.e; return c }
func (o EncodingOption) applyPublisher(c pubConfig) pubConfig          { c.encoding = o.e; return c }
func (o EncodingOption) applyGet(c getConfig) getConfig                { c.encoding = o.e; return c }
func (o AttachmentOption) applyPut(c putConfig) putConfig              { c.attachment = o.b; return c }
func (o AttachmentOption) applyGet(c getConfig) getConfig              { c.attachment = o.b; return c }
func (o TimestampOption) applyPut(c putConfig) putConfig               { c.timestamp = o.t; return c }
func (o PriorityOption) applyPut(c putConfig) putConfig                { c.priority = o.p; return c }
func (o PriorityOption) applyPublisher(c pubConfig) pubConfig          { c.priority = o.p; return c }
func (o PriorityOption) applyGet(c getConfig) getConfig                { c.priority = o.p; return c }
func (o CongestionControlOption) applyPut(c putConfig) putConfig       { c.cc = o.c; return c }
func (o CongestionControlOption) applyPublisher(c pubConfig) pubConfig { c.cc = o.c; return c }
func (o CongestionControlOption) applyGet(c getConfig) getConfig       { c.cc = o.c; return c }
func (o ExpressOption) applyPut(c putConfig) putConfig                 { c.express = o.b; return c }
func (o ExpressOption) applyPublisher(c pubConfig) pubConfig           { c.express = o.b; return c }
func (o ExpressOption) applyGet(c getConfig) getConfig                 { c.express = o.b; return c }

// AttachmentOption attaches user bytes to a publication, reply or query.
type AttachmentOption struct{ b []byte }

// WithAttachment attaches b (sent as is; it is not copied before the call returns).
func WithAttachment(b []byte) AttachmentOption { return AttachmentOption{b} }

// TimestampOption sets the timestamp of a publication or reply.
type TimestampOption struct{ t Timestamp }

// WithTimestamp sets the data's timestamp (see Session.NewTimestamp). Without it, data has no
// timestamp unless the configuration's timestamping/enabled is true.
func WithTimestamp(t Timestamp) TimestampOption { return TimestampOption{t} }

// PriorityOption sets the priority of a publication, publisher or query.
type PriorityOption struct{ p Priority }

// WithPriority sets the priority (PriorityData by default). Priorities outside
// PriorityRealTime..PriorityBackground are clamped into that range.
func WithPriority(p Priority) PriorityOption {
	return PriorityOption{min(max(p, PriorityRealTime), PriorityBackground)}
}

// CongestionControlOption sets the congestion control of a publication, publisher or query.
type CongestionControlOption struct{ c CongestionControl }

// WithCongestionControl sets what happens when the transmission queue is full.
func WithCongestionControl(c CongestionControl) CongestionControlOption {
	return CongestionControlOption{c}
}

// ExpressOption marks a publication, publisher or query express.
type ExpressOption struct{ b bool }

// WithExpress sends messages at once instead of letting them wait for a batch.
func WithExpress(express bool) ExpressOption { return ExpressOption{express} }

// ReliabilityOption sets the reliability of a publisher.
type ReliabilityOption struct{ r Reliability }

// WithReliability sets the channel a publisher's data travels on (ReliabilityReliable by default).
func WithReliability(r Reliability) ReliabilityOption { return ReliabilityOption{r & 1} }

func (o ReliabilityOption) applyPublisher(c pubConfig) pubConfig { c.reliability = o.r; return c }

// TargetOption sets the target of a query.
type TargetOption struct{ t QueryTarget }

// WithTarget sets which queryables a query reaches (QueryTargetBestMatching by default).
func WithTarget(t QueryTarget) TargetOption { return TargetOption{t} }

func (o TargetOption) applyGet(c getConfig) getConfig { c.target = o.t; return c }

// ConsolidationOption sets the consolidation of a query.
type ConsolidationOption struct{ m ConsolidationMode }

// WithConsolidation sets how replies are consolidated (ConsolidationAuto by default).
func WithConsolidation(m ConsolidationMode) ConsolidationOption { return ConsolidationOption{m} }

func (o ConsolidationOption) applyGet(c getConfig) getConfig { c.consolidation = o.m; return c }

// PayloadOption sets the payload of a query.
type PayloadOption struct{ b []byte }

// WithPayload sends b with the query (queryables see it as Query.Payload).
func WithPayload(b []byte) PayloadOption { return PayloadOption{b} }

func (o PayloadOption) applyGet(c getConfig) getConfig {
	c.payload, c.hasPayload = o.b, true
	return c
}

// TimeoutOption sets the timeout of a query.
type TimeoutOption struct{ d time.Duration }

// WithTimeout bounds a query when its context has no deadline (the configuration's
// queries_default_timeout, 10 s, otherwise). With a deadline, the earlier of both applies.
func WithTimeout(d time.Duration) TimeoutOption { return TimeoutOption{d} }

func (o TimeoutOption) applyGet(c getConfig) getConfig { c.timeout = o.d; return c }

// CompleteOption marks a queryable complete.
type CompleteOption struct{ b bool }

// WithComplete declares that the queryable answers for every key its key expression covers:
// queries with target QueryTargetBestMatching then prefer it.
func WithComplete(complete bool) CompleteOption { return CompleteOption{complete} }

func (o CompleteOption) applyQueryable(c qablConfig) qablConfig { c.complete = o.b; return c }

// HistoryOption asks a liveliness subscriber for the tokens alive when it is declared.
type HistoryOption struct{ b bool }

// WithHistory makes a liveliness subscriber first receive a put for every token alive now.
// Data subscribers ignore it.
func WithHistory(history bool) HistoryOption { return HistoryOption{history} }

func (o HistoryOption) applySubscriber(c subConfig) subConfig { c.history = o.b; return c }

// QueueOption sizes the delivery queue of a subscriber or queryable.
type QueueOption struct {
	n      int
	policy OverflowPolicy
}

// WithQueue sets the capacity of a subscriber's (or queryable's) delivery queue and what
// happens when it is full (see OverflowPolicy). A subscriber's goroutine takes up to 16 queued
// samples at a time, so up to 16 samples besides the n queued may be waiting for the callback. Subscribers default to
// DefaultSubscriberQueue samples and Block; queryables to DefaultQueryableQueue queries, and a
// query that finds the queue full is finished at once without a reply (its policy is ignored).
func WithQueue(n int, policy OverflowPolicy) QueueOption { return QueueOption{n, policy} }

func (o QueueOption) applySubscriber(c subConfig) subConfig {
	c.queue, c.policy = o.n, o.policy
	return c
}

func (o QueueOption) applyQueryable(c qablConfig) qablConfig { c.queue = o.n; return c }

// QueueBytesOption bounds the bytes a subscriber's queue holds.
type QueueBytesOption struct{ n int }

// WithQueueBytes bounds the payload bytes queued for a subscriber (DefaultSubscriberQueueBytes):
// the queue counts as full when one more sample would exceed it (a sample larger than the bound
// is still accepted into an empty queue).
func WithQueueBytes(n int) QueueBytesOption { return QueueBytesOption{n} }

func (o QueueBytesOption) applySubscriber(c subConfig) subConfig { c.queueBytes = o.n; return c }

// BlockTimeoutOption bounds how long a full subscriber queue with policy Block holds back the
// transport that delivers to it.
type BlockTimeoutOption struct{ d time.Duration }

// WithBlockTimeout sets the bound of policy Block (DefaultBlockTimeout).
func WithBlockTimeout(d time.Duration) BlockTimeoutOption { return BlockTimeoutOption{d} }

func (o BlockTimeoutOption) applySubscriber(c subConfig) subConfig { c.blockTimeout = o.d; return c }

// LoggerOption gives Open a logger.
type LoggerOption struct{ l *slog.Logger }

// WithLogger makes the session and its layers log to l (silent by default).
func WithLogger(l *slog.Logger) LoggerOption { return LoggerOption{l} }

func (o LoggerOption) applyOpen(c openConfig) openConfig { c.logger = o.l; return c }
