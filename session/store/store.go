// Package store keeps the sessions and exchanges of one capture in memory,
// writes them to a capture sink, and tells subscribers what changed.
package store

import (
	"log/slog"
	"sync"
	"time"

	"ptth-inspector/session"
)

// Sink receives everything the store records, usually a capture file writer.
type Sink interface {
	Session(s *session.Session) error
	Chunk(sessionID string, side session.Side, t time.Time, b []byte) error
	Exchange(e *session.Exchange) error
}

// Stats are the running totals shown in the status bar.
type Stats struct {
	Sessions  int   // sessions seen
	Live      int   // sessions whose connection is still open
	Exchanges int   // exchanges recorded
	Bytes     int64 // bytes relayed in both directions
}

// Store is the in-memory index of one capture. Sessions and exchanges are
// immutable snapshots: an update replaces the pointer, so a reader may keep
// what it got without locking.
type Store struct {
	mu        sync.RWMutex
	sessions  []*session.Session
	sessIndex map[string]int
	exchanges []*session.Exchange
	exIndex   map[string]int
	bySession map[string][]int
	live      int
	bytes     int64
	sink      Sink
	sinkErr   error
	subs      map[*Subscription]struct{}
}

// New returns an empty store that writes to sink (which may be nil).
func New(sink Sink) *Store {
	return &Store{
		sessIndex: map[string]int{},
		exIndex:   map[string]int{},
		bySession: map[string][]int{},
		sink:      sink,
		subs:      map[*Subscription]struct{}{},
	}
}

// PutSession adds or replaces a session snapshot. The store owns s afterwards.
func (st *Store) PutSession(s *session.Session) {
	st.mu.Lock()
	i, ok := st.sessIndex[s.ID]
	if ok {
		if st.sessions[i].Live() && !s.Live() {
			st.live--
		}
		st.sessions[i] = s
	} else {
		i = len(st.sessions)
		st.sessIndex[s.ID] = i
		st.sessions = append(st.sessions, s)
		if s.Live() {
			st.live++
		}
	}
	st.writeLocked(func(k Sink) error { return k.Session(s) })
	st.publishLocked(Change{Kind: SessionChanged, ID: s.ID, Index: i})
	st.mu.Unlock()
}

// Spiller is a Sink that can keep large message bytes on disk: Spill writes
// e and returns what to hold in memory instead (see capture.Writer.Spill).
type Spiller interface {
	Spill(e *session.Exchange) (*session.Exchange, error)
}

// PutExchange adds or replaces an exchange snapshot. The store owns e afterwards.
func (st *Store) PutExchange(e *session.Exchange) {
	st.mu.Lock()
	defer st.mu.Unlock()
	write := true
	if sp, ok := st.sink.(Spiller); ok && st.sinkErr == nil {
		kept, err := sp.Spill(e)
		if err != nil {
			st.sinkErr = err
			slog.Error("capture write failed; capture continues in memory only", "err", err)
		}
		e, write = kept, false
	}
	i, ok := st.exIndex[e.ID]
	kind := ExchangeChanged
	if ok {
		st.exchanges[i] = e
	} else {
		kind = ExchangeAdded
		i = len(st.exchanges)
		st.exIndex[e.ID] = i
		st.exchanges = append(st.exchanges, e)
		st.bySession[e.Session] = append(st.bySession[e.Session], i)
	}
	if write {
		st.writeLocked(func(k Sink) error { return k.Exchange(e) })
	}
	st.publishLocked(Change{Kind: kind, ID: e.ID, Index: i})
}

// Chunk records bytes that crossed the relay; they go to the sink only.
func (st *Store) Chunk(sessionID string, side session.Side, t time.Time, b []byte) {
	st.mu.Lock()
	st.bytes += int64(len(b))
	st.writeLocked(func(k Sink) error { return k.Chunk(sessionID, side, t, b) })
	st.mu.Unlock()
}

func (st *Store) writeLocked(f func(Sink) error) {
	if st.sink == nil || st.sinkErr != nil {
		return
	}
	if err := f(st.sink); err != nil {
		st.sinkErr = err
		slog.Error("capture write failed; capture continues in memory only", "err", err)
	}
}

// Err returns the first error the sink reported, if any.
func (st *Store) Err() error {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.sinkErr
}

// Stats returns the running totals.
func (st *Store) Stats() Stats {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return Stats{Sessions: len(st.sessions), Live: st.live, Exchanges: len(st.exchanges), Bytes: st.bytes}
}

// Session returns the session with the given id, or nil.
func (st *Store) Session(id string) *session.Session {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if i, ok := st.sessIndex[id]; ok {
		return st.sessions[i]
	}
	return nil
}

// Sessions returns every session in the order they were first seen.
func (st *Store) Sessions() []*session.Session {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return append([]*session.Session(nil), st.sessions...)
}

// Exchange returns the exchange with the given id, or nil.
func (st *Store) Exchange(id string) *session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if i, ok := st.exIndex[id]; ok {
		return st.exchanges[i]
	}
	return nil
}

// ExchangeAt returns the exchange at a store index (see Change.Index).
func (st *Store) ExchangeAt(i int) *session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if i < 0 || i >= len(st.exchanges) {
		return nil
	}
	return st.exchanges[i]
}

// Exchanges returns the exchanges from store index from on, in the order
// they were recorded.
func (st *Store) Exchanges(from int) []*session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if from < 0 {
		from = 0
	}
	if from >= len(st.exchanges) {
		return nil
	}
	return append([]*session.Exchange(nil), st.exchanges[from:]...)
}

// SessionExchanges returns one session's exchanges in the order recorded.
func (st *Store) SessionExchanges(id string) []*session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	idx := st.bySession[id]
	out := make([]*session.Exchange, len(idx))
	for k, i := range idx {
		out[k] = st.exchanges[i]
	}
	return out
}

// Clear forgets every session and exchange (the sink keeps what it has).
func (st *Store) Clear() {
	st.mu.Lock()
	st.sessions, st.exchanges = nil, nil
	st.sessIndex = map[string]int{}
	st.exIndex = map[string]int{}
	st.bySession = map[string][]int{}
	st.live, st.bytes = 0, 0
	st.publishLocked(Change{Kind: Cleared})
	st.mu.Unlock()
}
