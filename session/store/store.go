// Package store keeps the sessions and exchanges of one capture in memory,
// writes them to a capture sink, and tells subscribers what changed.
package store

import (
	"io"
	"log/slog"
	"sync"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/pack"
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
// what it got without locking. Exchanges not updated for a while are packed
// (see package pack) and decoded again when asked for, so a million of them
// fit in a few hundred MB.
type Store struct {
	mu        sync.RWMutex
	sessions  []*session.Session
	sessIndex map[string]int
	ex        *table
	bySession map[string][]int32
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
		ex:        newTable(),
		bySession: map[string][]int32{},
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
			st.failLocked(err)
		}
		e, write = kept, false
	}
	i, added := st.ex.put(e)
	kind := ExchangeChanged
	if added {
		kind = ExchangeAdded
		st.bySession[e.Session] = append(st.bySession[e.Session], int32(i))
	}
	if write {
		st.writeLocked(func(k Sink) error { return k.Exchange(e) })
	}
	st.publishLocked(Change{Kind: kind, ID: e.ID, Index: i})
}

// Spooler is a Sink that can read back the bytes Chunk recorded, so a long
// message need not be held in memory (see capture.Writer.Spool).
type Spooler interface {
	Spool(sessionID string, side session.Side, off int64) io.ReaderAt
}

// Spool returns a reader of the bytes recorded by Chunk for sessionID's
// side from stream offset off on, or nil when the sink cannot give one.
func (st *Store) Spool(sessionID string, side session.Side, off int64) io.ReaderAt {
	st.mu.RLock()
	defer st.mu.RUnlock()
	sp, ok := st.sink.(Spooler)
	if !ok || st.sinkErr != nil {
		return nil
	}
	return sp.Spool(sessionID, side, off)
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
		st.failLocked(err)
	}
}

// failLocked notes that the sink failed: nothing more is written to it.
func (st *Store) failLocked(err error) {
	st.sinkErr = err
	slog.Error("capture write failed: nothing more reaches the capture file (the relay goes on forwarding)", "err", err)
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
	return Stats{Sessions: len(st.sessions), Live: st.live, Exchanges: st.ex.len(), Bytes: st.bytes}
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
	if i := st.ex.index(id); i >= 0 {
		return st.ex.at(i)
	}
	return nil
}

// Index returns the store index of the exchange with the given id, or -1.
func (st *Store) Index(id string) int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.ex.index(id)
}

// ExchangeAt returns the exchange at a store index (see Change.Index).
func (st *Store) ExchangeAt(i int) *session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if i < 0 || i >= st.ex.len() {
		return nil
	}
	return st.ex.at(i)
}

// Exchanges returns the exchanges from store index from on, in the order
// they were recorded. Packed ones are decoded: for many, prefer Each.
func (st *Store) Exchanges(from int) []*session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	from = max(from, 0)
	var out []*session.Exchange
	for i := from; i < st.ex.len(); i++ {
		out = append(out, st.ex.fresh(i))
	}
	return out
}

// eachBatch is how many exchanges Each reads under one hold of the lock.
const eachBatch = 4096

// Each calls fn with every exchange from store index from up to (not
// including) to, or to the end, in order, without copying them: e is only
// valid during the call (a packed exchange is decoded into space the next
// call reuses), so fn keeps what it needs, not e. Packed exchanges come
// without headers and trailers unless headers is true. fn must not call the
// store.
func (st *Store) Each(from, to int, headers bool, fn func(i int, e *session.Exchange)) {
	var v pack.View
	if !headers {
		v.Skip = pack.Headers
	}
	st.batches(from, to, func(i int) { fn(i, st.ex.view(i, &v)) })
}

// batches calls fn with every store index from from up to (not including)
// to, or to the end, in order, under the read lock taken eachBatch indexes
// at a time, so a long walk never keeps a writer waiting for long.
func (st *Store) batches(from, to int, fn func(i int)) {
	for i := max(from, 0); ; {
		st.mu.RLock()
		end := min(to, st.ex.len(), i+eachBatch)
		for ; i < end; i++ {
			fn(i)
		}
		more := i < to && i < st.ex.len()
		st.mu.RUnlock()
		if !more {
			return
		}
	}
}

// SessionExchanges returns one session's exchanges in the order recorded.
func (st *Store) SessionExchanges(id string) []*session.Exchange {
	st.mu.RLock()
	defer st.mu.RUnlock()
	idx := st.bySession[id]
	out := make([]*session.Exchange, len(idx))
	for k, i := range idx {
		out[k] = st.ex.fresh(int(i))
	}
	return out
}

// Clear forgets every exchange and every session (the sink keeps what it
// has), but with keepLive the sessions still live stay, with no exchanges,
// so what their connections record next still has its client, state and
// hints.
func (st *Store) Clear(keepLive bool) {
	st.mu.Lock()
	var live []*session.Session
	for _, s := range st.sessions {
		if keepLive && s.Live() {
			live = append(live, s)
		}
	}
	st.sessions, st.ex = live, newTable()
	st.sessIndex = map[string]int{}
	for i, s := range live {
		st.sessIndex[s.ID] = i
	}
	st.bySession = map[string][]int32{}
	st.live, st.bytes = len(live), 0
	st.publishLocked(Change{Kind: Cleared})
	st.mu.Unlock()
}

// Matcher is a test Filter applies to exchanges.
type Matcher struct {
	Match func(e *session.Exchange) bool // the whole test, for exchanges held as they are
	// Terms and Words split the same test for packed exchanges: Terms (nil:
	// always true) gets the exchange decoded without headers, trailers,
	// times, lengths or wire bytes unless Full says it reads them; each of
	// Words must occur in the exchange's text, searched where it lies (see
	// pack.Finder).
	Terms func(e *session.Exchange) bool
	Words []func(b []byte) bool
	Full  bool
}

// Filter calls hit with the index of every exchange from index from up to
// to (or the end) that m passes, in order.
func (st *Store) Filter(from, to int, m Matcher, hit func(i int)) {
	finders := make([]*pack.Finder, len(m.Words))
	for k, w := range m.Words {
		finders[k] = pack.NewFinder(w)
	}
	var v pack.View
	if !m.Full {
		v.Skip = pack.Headers | pack.Wire
	}
	st.batches(from, to, func(i int) {
		if st.ex.passes(i, &m, finders, &v) {
			hit(i)
		}
	})
}
