package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"time"

	"ptth-inspector/session"
)

// FlushInterval is how often a Writer flushes buffered records on its own.
const FlushInterval = 100 * time.Millisecond

const (
	writeBuf    = 256 << 10 // bufio size
	keepScratch = 1 << 20   // larger scratch buffers are dropped after use
)

// Writer appends records to a capture file. It is safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	f       *os.File
	sink    *fileSink // under bw: counts bytes for the writeback loop
	bw      *bufio.Writer
	path    string
	idx     map[string]uint64         // session ID → index
	streams map[streamKey]*streamTail // live sessions' streams, for Spool
	buf     []byte                    // scratch for encoding one record
	err     error                     // sticky write error
	off     int64                     // file offset of the next byte written (buffered or not)
	rf      *os.File                  // read handle for spilled message bytes, opened on demand
	held    heldQueue                 // pending snapshots not written yet (see pending.go)
	closed  bool
	stop    chan struct{}
	done    chan struct{} // closed when loop returns
	wbDone  chan struct{} // closed when the writeback loop returns
}

// Create truncates or creates path with mode 0600, writes the file header
// and starts the background flusher.
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create capture: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("create capture: %w", err)
	}
	hdr := append([]byte(Magic), Version)
	if _, err := f.Write(hdr); err != nil {
		f.Close()
		return nil, fmt.Errorf("create capture %s: %w", path, err)
	}
	sink := newFileSink(f, int64(len(hdr)))
	w := &Writer{
		f:       f,
		sink:    sink,
		bw:      bufio.NewWriterSize(sink, writeBuf),
		path:    path,
		off:     int64(len(hdr)),
		idx:     map[string]uint64{},
		streams: map[streamKey]*streamTail{},
		buf:     make([]byte, 0, 4096),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		wbDone:  make(chan struct{}),
	}
	go w.loop()
	go func() {
		defer close(w.wbDone)
		sink.writeback(w.stop)
	}()
	return w, nil
}

// Path returns the file the writer writes to.
func (w *Writer) Path() string { return w.path }

func (w *Writer) loop() {
	defer close(w.done)
	t := time.NewTicker(FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.Flush()
		}
	}
}

// Err returns the sticky write error, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// usable reports why nothing may be written now; w.mu is held.
func (w *Writer) usable() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrClosed
	}
	return nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = fmt.Errorf("write capture %s: %w", w.path, err)
	}
	return w.err
}

// emit writes one frame: head holds frameLen reserved bytes and the start
// of the payload; a and b (possibly nil) complete the payload. w.mu is held.
func (w *Writer) emit(kind byte, head, a, b []byte) error {
	n := len(head) - frameLen + len(a) + len(b)
	putFrame(head, kind, n)
	binary.LittleEndian.PutUint32(head[5:9], frameCRC(head, head[frameLen:], a, b))
	if _, err := w.bw.Write(head); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(a); err != nil {
		return w.fail(err)
	}
	if _, err := w.bw.Write(b); err != nil {
		return w.fail(err)
	}
	w.off += int64(len(head) + len(a) + len(b))
	return nil
}

// keep stores a scratch buffer for the next record unless it grew large.
func (w *Writer) keep(b []byte) {
	if cap(b) <= keepScratch {
		w.buf = b[:0]
	}
}

// index returns the session's index, assigning one when new; declare says
// whether to write an index record for a new one. w.mu is held.
func (w *Writer) index(id string, declare bool) (uint64, error) {
	if i, ok := w.idx[id]; ok {
		return i, nil
	}
	i := uint64(len(w.idx))
	w.idx[id] = i
	if !declare {
		return i, nil
	}
	b := binary.AppendUvarint(w.buf[:frameLen], i)
	b = appendString(b, id)
	err := w.emit(kindIndex, b, nil, nil)
	w.keep(b)
	return i, err
}

// Session appends a session snapshot; the first one for an ID assigns the
// session index its chunks refer to.
func (w *Writer) Session(s *session.Session) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	_, known := w.idx[s.ID]
	idx, _ := w.index(s.ID, false)
	b := appendSession(w.buf[:frameLen], idx, s)
	if len(b)-frameLen > MaxRecord {
		if !known {
			delete(w.idx, s.ID) // it was the last index handed out
		}
		w.keep(b)
		return fmt.Errorf("session %s: %w", s.ID, ErrTooLarge)
	}
	err := w.emit(kindSession, b, nil, nil)
	w.keep(b)
	if !s.Live() {
		delete(w.streams, streamKey{idx, session.FromClient})
		delete(w.streams, streamKey{idx, session.FromUpstream})
	}
	return err
}

// Chunk appends bytes that crossed the relay from side. A chunk for a session
// with no session record yet gets an index record first; chunks over 16 MiB
// are split into several records.
func (w *Writer) Chunk(sessionID string, side session.Side, t time.Time, b []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	idx, err := w.index(sessionID, true)
	if err != nil {
		return err
	}
	key := streamKey{idx, side}
	tail := w.streams[key]
	if tail == nil {
		tail = new(streamTail)
		w.streams[key] = tail
	}
	for {
		part := b
		if len(part) > maxChunk {
			part = part[:maxChunk]
		}
		h := binary.AppendUvarint(w.buf[:frameLen], idx)
		h = append(h, byte(side))
		h = appendTime(h, t)
		rec := w.off
		if err := w.emit(kindChunk, h, part, nil); err != nil {
			return err
		}
		tail.add(rec, int64(len(part)))
		b = b[len(part):]
		if len(b) == 0 {
			return nil
		}
	}
}

// wire returns a message's Raw bytes, reading them back from a capture when
// the message only holds a RawRef.
func wire(m *session.Message) ([]byte, error) {
	if m == nil {
		return nil, nil
	}
	return m.Wire()
}

// Exchange appends an exchange snapshot with its messages' Raw bytes; a
// message whose bytes are a run of this writer's chunk records (see Spool)
// is written as a reference to them.
func (w *Writer) Exchange(e *session.Exchange) error {
	_, _, err := w.exchange(e)
	return err
}

// exchange writes e (or holds it back, see pending.go) and returns how many
// Raw bytes of each message the record holds itself and the file offset
// where the request's Raw starts in it.
func (w *Writer) exchange(e *session.Exchange) (inline [2]int64, rawAt int64, err error) {
	var own [2]stored
	var kept [2]*stored
	var raws [2][]byte
	for i, m := range [2]*session.Message{e.Request, e.Response} {
		if w.stored(m, &own[i]) {
			kept[i] = &own[i]
			continue
		}
		b, err := wire(m)
		if err != nil {
			return inline, 0, fmt.Errorf("exchange %s %s: %w", e.ID, [2]string{"request", "response"}[i], err)
		}
		raws[i], inline[i] = b, int64(len(b))
	}
	orig, err := wire(e.Original)
	if err != nil {
		return inline, 0, fmt.Errorf("exchange %s original request: %w", e.ID, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return inline, 0, err
	}
	if holdable(e) {
		w.hold(e)
		return inline, 0, nil
	}
	if err := w.releaseBefore(e.ID); err != nil {
		return inline, 0, err
	}
	if rawAt, err = w.record(e, raws, kept, inline, orig); err == nil {
		w.drop(e.ID)
	}
	return inline, rawAt, err
}

// exchangeLocked writes a held pending snapshot. w.mu is held.
func (w *Writer) exchangeLocked(e *session.Exchange) error {
	raw := e.Request.Raw
	_, err := w.record(e, [2][]byte{raw}, [2]*stored{}, [2]int64{int64(len(raw))}, nil)
	return err
}

// record writes one exchange record and returns the file offset where its
// request Raw starts. w.mu is held.
func (w *Writer) record(e *session.Exchange, raws [2][]byte, kept [2]*stored, inline [2]int64, orig []byte) (rawAt int64, err error) {
	at := w.off
	b := appendExchange(w.buf[:frameLen+4], e, at, raws, kept, orig)
	meta := len(b) - frameLen - 4
	if int64(len(b))-frameLen+inline[0]+inline[1] > MaxRecord {
		w.keep(b)
		return 0, fmt.Errorf("exchange %s: %w", e.ID, ErrTooLarge)
	}
	binary.LittleEndian.PutUint32(b[frameLen:], uint32(meta))
	rawAt = w.off + int64(len(b))
	err = w.emit(kindExchange, b, raws[0], raws[1])
	w.keep(b)
	return rawAt, err
}

// Flush writes buffered records to the file (without fsync).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.usable(); err != nil {
		return err
	}
	herr := w.releaseHeld() // not sticky unless the file failed
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	return herr
}

// Close flushes, stops the background loops and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		defer w.mu.Unlock()
		return w.usable()
	}
	if w.err == nil {
		w.releaseHeld() // a failure is sticky in w.err
	}
	w.closed = true
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.fail(err)
		}
	}
	close(w.stop)
	<-w.wbDone // it uses the file
	if err := w.f.Close(); err != nil && w.err == nil {
		w.fail(err)
	}
	err := w.err
	w.mu.Unlock()
	<-w.done
	return err
}
