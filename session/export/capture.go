package export

import (
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// InlineBudget is how many message bytes of a capture opened for export are
// held in memory; the rest are read from the file when written out.
const InlineBudget = 64 << 20

// CaptureSource is a capture file as a Source: sessions and exchanges are
// kept packed in a store (message bytes past InlineBudget stay in the
// file) and handed to an export one at a time (see EachExchange); chunks
// are re-read from the file on each Chunks call, so a multi-GB capture
// never sits in memory.
type CaptureSource struct {
	inStore
	r             *capture.Reader
	warnings      []string
	chunkWarnings []string
}

// FromCapture scans the capture file at path. Close it when done.
func FromCapture(path string) (*CaptureSource, error) {
	return OpenCapture(path, nil)
}

// OpenCapture is FromCapture reporting progress (bytes scanned, file size).
func OpenCapture(path string, progress func(done, total int64)) (*CaptureSource, error) {
	r, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	r.InlineBudget = InlineBudget
	c := &CaptureSource{inStore: inStore{store.New(nil)}, r: r}
	sum, err := r.Scan(capture.Handler{Session: c.st.PutSession, Exchange: c.st.PutExchange, Progress: progress})
	if err != nil {
		r.Close()
		return nil, err
	}
	c.warnings = sum.Warnings
	return c, nil
}

// Warnings returns what the scan found damaged in the file.
func (c *CaptureSource) Warnings() []string { return c.warnings }

// Close closes the file; messages read from it stop working.
func (c *CaptureSource) Close() error { return c.r.Close() }

// Chunks re-reads the file and calls fn for every chunk in file order.
// Damaged chunk records are skipped; ChunkWarnings says which.
func (c *CaptureSource) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	var ferr error
	sum, err := c.r.Scan(capture.Handler{Chunk: func(id string, side session.Side, t time.Time, b []byte) {
		if ferr == nil {
			ferr = fn(id, side, t, b)
		}
	}})
	c.chunkWarnings = sum.Warnings
	if ferr != nil {
		return ferr
	}
	return err
}

// ChunkWarnings returns what the latest Chunks call skipped as damaged.
func (c *CaptureSource) ChunkWarnings() []string { return c.chunkWarnings }

// FromStore is a Source over a live store, e.g. the window's. The raw bytes
// come from capturePath, the capture file the store writes (flush it first),
// or there are none when capturePath is "".
func FromStore(st *store.Store, capturePath string) Source {
	return &storeSource{inStore{st}, capturePath}
}

type storeSource struct {
	inStore
	path string
}

// inStore gives a Source's sessions and exchanges from a store, handing
// exchanges over one at a time (a Walker).
type inStore struct{ st *store.Store }

// Sessions returns every session in first-seen order.
func (s inStore) Sessions() []*session.Session { return s.st.Sessions() }

// Exchanges returns every exchange in first-seen order, all decoded: for
// many, EachExchange holds one at a time.
func (s inStore) Exchanges() []*session.Exchange { return s.st.Exchanges(0) }

// EachExchange calls fn with every exchange in first-seen order, each
// decoded on its own (fn may keep it); it stops at and returns the first
// error fn returns.
func (s inStore) EachExchange(fn func(*session.Exchange) error) error {
	for i := 0; ; i++ {
		e := s.st.ExchangeAt(i)
		if e == nil {
			return nil
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

// Chunks reads the raw bytes from the capture file.
func (s *storeSource) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	if s.path == "" {
		return nil
	}
	r, err := capture.Open(s.path)
	if err != nil {
		return err
	}
	defer r.Close()
	return (&CaptureSource{r: r}).Chunks(fn)
}
