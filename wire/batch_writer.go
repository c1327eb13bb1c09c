package wire

// BatchConfig describes the batches of one link.
type BatchConfig struct {
	// Size is the negotiated batch size: the most bytes a batch may take, including the stream
	// length prefix (Rust counts it, so a stream batch carries at most Size-2 bytes). Zero or
	// anything above MaxBatchSize means MaxBatchSize.
	Size int
	// Streamed says batches go on a stream link and carry a StreamPrefixLen length prefix.
	Streamed bool
	// Compression says compression was negotiated: every batch starts with a BatchHeader.
	Compression bool
}

// BatchWriter builds one batch for sending, as Rust's pipeline does (the TX side of the
// transport): it appends transport messages, opens Frames and appends network messages to the
// open Frame while they fit, and fills the batch with a Fragment when a message does not fit
// even an empty batch. It never writes past the batch size and never leaves a partly written
// message: a method that fails leaves the batch as it was.
//
// It writes into the buffer given to Reset (the zero BatchWriter has no room: Reset it first);
// with a buffer of capacity Size it never allocates.
// Mirrors io/zenoh-transport/src/common/batch.rs (WBatch) and
// commons/zenoh-codec/src/transport/batch.rs (Zenoh080Batch).
type BatchWriter struct {
	cfg    BatchConfig
	buf    []byte // prefix placeholder, BatchHeader, then messages
	start  int    // where the messages start
	frame  bool   // a Frame is open at the end of the batch
	rel    Reliability
	qos    TransportQoS
	sealed bool // a Fragment took the rest of the batch
}

// NewBatchWriter returns a BatchWriter writing into buf (see Reset).
func NewBatchWriter(buf []byte, cfg BatchConfig) BatchWriter {
	var w BatchWriter
	w.Reset(buf, cfg)
	return w
}

// Reset starts a new, empty batch in buf (its contents are overwritten; give it capacity
// cfg.Size to avoid allocation) with configuration cfg.
func (w *BatchWriter) Reset(buf []byte, cfg BatchConfig) {
	if cfg.Size <= 0 || cfg.Size > MaxBatchSize {
		cfg.Size = MaxBatchSize
	}
	w.cfg = cfg
	w.buf = buf[:0]
	w.Clear()
}

// Clear empties the batch, keeping its buffer and configuration.
func (w *BatchWriter) Clear() {
	w.buf = w.buf[:0]
	if w.cfg.Streamed {
		w.buf = append(w.buf, 0, 0)
	}
	if w.cfg.Compression {
		w.buf = append(w.buf, 0)
	}
	w.start = len(w.buf)
	w.frame, w.sealed = false, false
}

// Len returns the number of message bytes in the batch (without prefix or header).
func (w *BatchWriter) Len() int { return len(w.buf) - w.start }

// IsEmpty reports whether the batch holds no message.
func (w *BatchWriter) IsEmpty() bool { return w.Len() == 0 }

// Free returns how many more message bytes fit.
func (w *BatchWriter) Free() int {
	if w.sealed {
		return 0
	}
	return w.cfg.Size - len(w.buf)
}

// AppendTransport appends a whole transport message (KeepAlive, Close, Init, Open, a complete
// Frame, ...). It ends the open Frame, so the next network message needs AppendFrame.
func (w *BatchWriter) AppendTransport(m *TransportMessage) error {
	if m.Len() > w.Free() {
		return ErrBatchFull
	}
	b, err := m.Append(w.buf)
	if err != nil {
		return err
	}
	w.buf = b
	w.frame = false
	if m.ID == TransportIDFragment {
		w.sealed = true
	}
	return nil
}

// AppendFrame opens a new Frame with header h and appends its first network message m, both or
// neither. Later messages of the same channel go in with AppendNetwork.
func (w *BatchWriter) AppendFrame(h *FrameHeader, m *NetworkMessage) error {
	if h.Len()+m.Len() > w.Free() {
		return ErrBatchFull
	}
	n0 := len(w.buf)
	b, err := h.Append(w.buf)
	if err == nil {
		b, err = m.Append(b)
	}
	if err != nil {
		w.buf = w.buf[:n0]
		return err
	}
	w.openFrame(b, h)
	return nil
}

// AppendFrameBytes is AppendFrame for a network message already encoded in msg.
func (w *BatchWriter) AppendFrameBytes(h *FrameHeader, msg []byte) error {
	if h.Len()+len(msg) > w.Free() {
		return ErrBatchFull
	}
	b, err := h.Append(w.buf)
	if err != nil {
		return err
	}
	w.openFrame(append(b, msg...), h)
	return nil
}

func (w *BatchWriter) openFrame(b []byte, h *FrameHeader) {
	w.buf = b
	w.frame, w.rel, w.qos = true, h.Reliability, h.QoS
}

// FrameOpen reports whether a Frame of channel (rel, qos) is open at the end of the batch:
// whether AppendNetwork and AppendNetworkPut may succeed rather than fail with ErrNewFrame.
func (w *BatchWriter) FrameOpen(rel Reliability, qos TransportQoS) bool {
	return w.frame && w.rel == rel && w.qos == qos
}

// AppendNetwork appends network message m to the open Frame. It fails with ErrNewFrame when no
// Frame is open or the open one is on another channel (reliability or priority), and with
// ErrBatchFull when m does not fit.
func (w *BatchWriter) AppendNetwork(m *NetworkMessage, rel Reliability, qos TransportQoS) error {
	if !w.FrameOpen(rel, qos) {
		return ErrNewFrame
	}
	if m.Len() > w.Free() {
		return ErrBatchFull
	}
	b, err := m.Append(w.buf)
	if err != nil {
		return err
	}
	w.buf = b
	return nil
}

// AppendNetworkBytes is AppendNetwork for a network message already encoded in msg.
func (w *BatchWriter) AppendNetworkBytes(msg []byte, rel Reliability, qos TransportQoS) error {
	if !w.FrameOpen(rel, qos) {
		return ErrNewFrame
	}
	if len(msg) > w.Free() {
		return ErrBatchFull
	}
	w.buf = append(w.buf, msg...)
	return nil
}

// AppendNetworkPut is AppendNetwork for a Push of a Put given as its head (see AppendPutHead)
// and payload.
func (w *BatchWriter) AppendNetworkPut(head, payload []byte, rel Reliability, qos TransportQoS) error {
	if !w.FrameOpen(rel, qos) {
		return ErrNewFrame
	}
	if PutLen(head, payload) > w.Free() {
		return ErrBatchFull
	}
	b, err := AppendPut(w.buf, head, payload)
	w.buf = b
	return err
}

// AppendFramePut is AppendFrame for a Push of a Put given as its head (see AppendPutHead) and
// payload.
func (w *BatchWriter) AppendFramePut(h *FrameHeader, head, payload []byte) error {
	if h.Len()+PutLen(head, payload) > w.Free() {
		return ErrBatchFull
	}
	n0 := len(w.buf)
	b, err := h.Append(w.buf)
	if err == nil {
		b, err = AppendPut(b, head, payload)
	}
	if err != nil {
		w.buf = w.buf[:n0]
		return err
	}
	w.openFrame(b, h)
	return nil
}

// AppendFragment appends a Fragment with header h carrying as much of data as fits, and returns
// how many bytes of data it took. When all the rest of data fits it clears h.More first, as Rust
// does; otherwise it leaves h.More as given (set it). Nothing can follow a Fragment in its
// batch: the batch is sealed. It fails with ErrBatchFull when not even the header and one byte
// fit (or the header alone, for an empty data).
func (w *BatchWriter) AppendFragment(h *FragmentHeader, data []byte) (int, error) {
	free := w.Free()
	hl := h.Len()
	if hl+min(len(data), 1) > free {
		return 0, ErrBatchFull
	}
	n := len(data)
	if n > free-hl {
		n = free - hl
	} else if h.More {
		h.More = false
		hl = h.Len()
	}
	b, err := h.Append(w.buf)
	if err != nil {
		return 0, err
	}
	w.buf = append(b, data[:n]...)
	w.frame, w.sealed = false, true
	return n, nil
}

// Bytes finalizes the batch and returns it as it goes on the link: the stream length prefix
// (when Streamed) and the BatchHeader (when Compression; 0, uncompressed) followed by the
// messages. It aliases the writer's buffer.
func (w *BatchWriter) Bytes() []byte {
	if w.cfg.Compression {
		w.buf[w.start-1] = 0
	}
	if w.cfg.Streamed {
		l := len(w.buf) - StreamPrefixLen
		w.buf[0], w.buf[1] = byte(l), byte(l>>8)
	}
	return w.buf
}

// CompressedBytes finalizes a batch of a link with Compression and returns it as it goes on the
// link. It compresses the messages into scratch (give it capacity Size to avoid allocation) and
// returns that form, with BatchCompressed set, when it is smaller; otherwise it returns Bytes().
// This is Rust's rule, so either form can be sent. Without Compression it returns Bytes().
func (w *BatchWriter) CompressedBytes(scratch []byte) []byte {
	if !w.cfg.Compression {
		return w.Bytes()
	}
	out := scratch[:0]
	if w.cfg.Streamed {
		out = append(out, 0, 0)
	}
	out = append(out, byte(BatchCompressed))
	out = CompressBatch(out, w.buf[w.start:])
	if len(out) >= len(w.buf) || len(out) > w.cfg.Size {
		return w.Bytes()
	}
	if w.cfg.Streamed {
		l := len(out) - StreamPrefixLen
		out[0], out[1] = byte(l), byte(l>>8)
	}
	return out
}
