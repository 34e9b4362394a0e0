package capture

import (
	"fmt"
	"os"

	"ptth-inspector/session"
)

// Spill writes e like Exchange and returns the exchange to keep in memory:
// e itself, or a copy whose messages with Raw over InlineRaw point into the
// capture file (Message.Ref) instead of holding their bytes, so a long
// capture of large bodies does not grow the heap.
func (w *Writer) Spill(e *session.Exchange) (*session.Exchange, error) {
	inline, rawAt, err := w.exchange(e)
	if err != nil {
		return e, err
	}
	big := func(m *session.Message) bool { return m != nil && m.Ref == nil && len(m.Raw) > InlineRaw }
	if !big(e.Request) && !big(e.Response) {
		return e, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.readBack() == nil {
		return e, nil // keep the bytes in memory rather than lose them
	}
	cp := *e
	off := rawAt
	if e.Request != nil {
		if big(e.Request) {
			cp.Request = w.spilled(e.Request, off)
		}
		off += inline[0]
	}
	if big(e.Response) {
		cp.Response = w.spilled(e.Response, off)
	}
	return &cp, nil
}

// readBack returns the handle spilled bytes are read with, opening it on
// first use; nil when the file cannot be opened. w.mu is held.
func (w *Writer) readBack() *os.File {
	if w.rf == nil && !w.closed {
		f, err := os.Open(w.path)
		if err != nil {
			return nil
		}
		w.rf = f
	}
	return w.rf
}

func (w *Writer) spilled(m *session.Message, off int64) *session.Message {
	cp := *m
	cp.Ref = &session.RawRef{R: flushingReader{w}, Off: off, Len: int64(len(m.Raw))}
	cp.Raw = nil
	return &cp
}

// flushingReader reads spilled bytes back, flushing the writer first when
// they may still sit in its buffer.
type flushingReader struct{ w *Writer }

// ReadAt flushes the writer when the bytes may still be buffered, then reads.
func (r flushingReader) ReadAt(p []byte, off int64) (int, error) {
	w := r.w
	w.mu.Lock()
	if off+int64(len(p)) > w.off-int64(w.bw.Buffered()) && w.err == nil && !w.closed {
		if err := w.bw.Flush(); err != nil {
			w.fail(err)
		}
	}
	rf := w.rf
	w.mu.Unlock()
	if rf == nil {
		return 0, fmt.Errorf("capture %s: closed", w.path)
	}
	return rf.ReadAt(p, off)
}
