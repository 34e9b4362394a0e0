package export

import (
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// CaptureSource is a capture file as a Source: sessions and exchanges are
// kept (large message bytes stay in the file), chunks are re-read from the
// file on each Chunks call so a multi-GB capture never sits in memory.
type CaptureSource struct {
	r        *capture.Reader
	mem      *Memory
	warnings []string
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
	c := &CaptureSource{r: r, mem: NewMemory()}
	sum, err := r.Scan(capture.Handler{Session: c.mem.PutSession, Exchange: c.mem.PutExchange, Progress: progress})
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

// Sessions returns every session in first-seen order.
func (c *CaptureSource) Sessions() []*session.Session { return c.mem.Sessions() }

// Exchanges returns every exchange in first-seen order.
func (c *CaptureSource) Exchanges() []*session.Exchange { return c.mem.Exchanges() }

// Chunks re-reads the file and calls fn for every chunk in file order.
func (c *CaptureSource) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	var ferr error
	_, err := c.r.Scan(capture.Handler{Chunk: func(id string, side session.Side, t time.Time, b []byte) {
		if ferr == nil {
			ferr = fn(id, side, t, b)
		}
	}})
	if ferr != nil {
		return ferr
	}
	return err
}

// FromStore is a Source over a live store, e.g. the window's. The raw bytes
// come from capturePath, the capture file the store writes (flush it first),
// or there are none when capturePath is "".
func FromStore(st *store.Store, capturePath string) Source {
	return &storeSource{st: st, path: capturePath}
}

type storeSource struct {
	st   *store.Store
	path string
}

// Sessions returns the store's sessions.
func (s *storeSource) Sessions() []*session.Session { return s.st.Sessions() }

// Exchanges returns the store's exchanges.
func (s *storeSource) Exchanges() []*session.Exchange { return s.st.Exchanges(0) }

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
