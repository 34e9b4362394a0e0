// Package export writes a capture's sessions, exchanges and raw bytes as a
// transcript, JSON, HAR 1.2, curl commands or raw .http requests, optionally
// redacted, and reads the JSON, HAR and .http forms back.
package export

import (
	"fmt"
	"slices"
	"time"

	"ptth-inspector/session"
)

// Source is what an export reads: a capture file, an import or a live store.
type Source interface {
	Sessions() []*session.Session   // last snapshot of each, in first-seen order
	Exchanges() []*session.Exchange // last snapshot of each, in first-seen order
	// Chunks calls fn with the raw bytes in the order they crossed the relay;
	// it stops at, and returns, the first error fn returns.
	Chunks(fn func(sessionID string, side session.Side, t time.Time, b []byte) error) error
}

// Walker is a Source that can hand over its exchanges one at a time
// instead of all at once, so an export of a large capture does not hold
// them all decoded.
type Walker interface {
	EachExchange(fn func(e *session.Exchange) error) error
}

// EachExchange calls fn with every exchange of src in first-seen order, one
// at a time when src is a Walker; it stops at and returns the first error
// fn returns.
func EachExchange(src Source, fn func(e *session.Exchange) error) error {
	if w, ok := src.(Walker); ok {
		return w.EachExchange(fn)
	}
	for _, e := range src.Exchanges() {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Chunk is one run of bytes that crossed the relay from one side.
type Chunk struct {
	Session string
	Side    session.Side
	T       time.Time
	Data    []byte
}

// Memory is a Source held in memory. It is also a dissect.Recorder, so the
// dissector can fill it; it keeps the last snapshot of each session and exchange.
type Memory struct {
	sessions  []*session.Session
	sessIndex map[string]int
	exchanges []*session.Exchange
	exIndex   map[string]int
	chunks    []Chunk
}

// NewMemory returns an empty in-memory source.
func NewMemory() *Memory {
	return &Memory{sessIndex: map[string]int{}, exIndex: map[string]int{}}
}

// PutSession adds or replaces a session snapshot.
func (m *Memory) PutSession(s *session.Session) {
	if i, ok := m.sessIndex[s.ID]; ok {
		m.sessions[i] = s
		return
	}
	m.sessIndex[s.ID] = len(m.sessions)
	m.sessions = append(m.sessions, s)
}

// PutChunk adds a run of raw bytes.
func (m *Memory) PutChunk(c Chunk) { m.chunks = append(m.chunks, c) }

// PutExchange adds or replaces an exchange snapshot.
func (m *Memory) PutExchange(e *session.Exchange) {
	if i, ok := m.exIndex[e.ID]; ok {
		m.exchanges[i] = e
		return
	}
	m.exIndex[e.ID] = len(m.exchanges)
	m.exchanges = append(m.exchanges, e)
}

// Chunk records a copy of bytes that crossed the relay.
func (m *Memory) Chunk(sessionID string, side session.Side, t time.Time, b []byte) {
	m.chunks = append(m.chunks, Chunk{sessionID, side, t, slices.Clone(b)})
}

// Sessions returns every session in first-seen order.
func (m *Memory) Sessions() []*session.Session { return slices.Clone(m.sessions) }

// Exchanges returns every exchange in first-seen order.
func (m *Memory) Exchanges() []*session.Exchange { return slices.Clone(m.exchanges) }

// Chunks calls fn for every chunk in the order recorded.
func (m *Memory) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	return eachChunk(m.chunks, fn)
}

// eachChunk calls fn for every chunk of cs in order, stopping at its first error.
func eachChunk(cs []Chunk, fn func(string, session.Side, time.Time, []byte) error) error {
	for _, c := range cs {
		if err := fn(c.Session, c.Side, c.T, c.Data); err != nil {
			return err
		}
	}
	return nil
}

// Session returns the session with the given id, or nil.
func (m *Memory) Session(id string) *session.Session {
	if i, ok := m.sessIndex[id]; ok {
		return m.sessions[i]
	}
	return nil
}

// Filter narrows a Source to some sessions and exchanges. The zero Filter
// keeps everything.
type Filter struct {
	Sessions  []string // keep these sessions, their exchanges and their bytes
	Exchanges []string // keep only these exchanges (and the bytes of their sessions)
	// Since, when set, keeps only exchanges that started then or later and
	// bytes recorded then or later (what the window shows after a Clear),
	// with their sessions and the sessions still open.
	Since time.Time
}

// Empty reports whether the filter keeps everything.
func (f Filter) Empty() bool {
	return len(f.Sessions) == 0 && len(f.Exchanges) == 0 && f.Since.IsZero()
}

// Apply returns src narrowed by f; it fails when an id names nothing in src.
func (f Filter) Apply(src Source) (Source, error) {
	if f.Empty() {
		return src, nil
	}
	sessions := src.Sessions()
	if !f.Since.IsZero() {
		return f.since(src, sessions)
	}
	keepS := map[string]bool{}
	for _, id := range f.Sessions {
		if !slices.ContainsFunc(sessions, func(s *session.Session) bool { return s.ID == id }) {
			return nil, fmt.Errorf("no session %q in the input", id)
		}
		keepS[id] = true
	}
	keepE := map[string]bool{}
	for _, id := range f.Exchanges {
		keepE[id] = false // true once found
	}
	out := &filtered{src: src, keep: keepS}
	err := EachExchange(src, func(e *session.Exchange) error {
		if found, ok := keepE[e.ID]; ok {
			if !found {
				keepE[e.ID] = true
				keepS[e.Session] = true
				out.exchanges = append(out.exchanges, e)
			}
		} else if len(keepE) == 0 && keepS[e.Session] {
			out.exchanges = append(out.exchanges, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range f.Exchanges {
		if !keepE[id] {
			return nil, fmt.Errorf("no exchange %q in the input", id)
		}
	}
	for _, s := range sessions {
		if keepS[s.ID] {
			out.sessions = append(out.sessions, s)
		}
	}
	return out, nil
}

// since is Apply for a filter with Since (its other fields are ignored).
func (f Filter) since(src Source, sessions []*session.Session) (Source, error) {
	out := &filtered{src: src, keep: map[string]bool{}, from: f.Since}
	err := EachExchange(src, func(e *session.Exchange) error {
		if !e.Started().Before(f.Since) {
			out.exchanges = append(out.exchanges, e)
			out.keep[e.Session] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range sessions {
		if s.Live() || !s.Ended.Before(f.Since) {
			out.keep[s.ID] = true
		}
		if out.keep[s.ID] {
			out.sessions = append(out.sessions, s)
		}
	}
	return out, nil
}

type filtered struct {
	src       Source
	keep      map[string]bool
	from      time.Time // bytes recorded before are left out
	sessions  []*session.Session
	exchanges []*session.Exchange
}

// Sessions returns the sessions kept.
func (f *filtered) Sessions() []*session.Session { return slices.Clone(f.sessions) }

// Exchanges returns the exchanges kept.
func (f *filtered) Exchanges() []*session.Exchange { return slices.Clone(f.exchanges) }

// Chunks passes on the chunks of the sessions kept.
func (f *filtered) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	return f.src.Chunks(func(id string, side session.Side, t time.Time, b []byte) error {
		if !f.keep[id] || t.Before(f.from) {
			return nil
		}
		return fn(id, side, t, b)
	})
}
