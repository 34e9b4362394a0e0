package store

import "sync"

// ChangeKind says what a Change is about.
type ChangeKind uint8

// Kinds of change.
const (
	SessionChanged  ChangeKind = iota // a session was added or replaced
	ExchangeAdded                     // a new exchange was recorded
	ExchangeChanged                   // an exchange was replaced (e.g. its response arrived)
	Cleared                           // everything was forgotten, or too much changed: read it all again
)

// Change is one thing that changed in the store.
type Change struct {
	Kind  ChangeKind
	ID    string // session or exchange id
	Index int    // store index of the session or exchange
}

// maxPending bounds what a slow subscriber can owe; past it the subscriber
// gets one Cleared change and re-reads the store.
const maxPending = 1 << 16

// Subscription collects changes for one subscriber. The store never blocks
// on it: changes pile up (bounded) until Drain is called.
type Subscription struct {
	st      *Store
	c       chan struct{}
	mu      sync.Mutex
	pending []Change
	reset   bool
}

// Subscribe returns a subscription that is told about every later change.
func (st *Store) Subscribe() *Subscription {
	sub := &Subscription{st: st, c: make(chan struct{}, 1)}
	st.mu.Lock()
	st.subs[sub] = struct{}{}
	st.mu.Unlock()
	return sub
}

// C is signalled (without blocking the store) when changes are waiting.
func (sub *Subscription) C() <-chan struct{} { return sub.c }

// Drain returns the changes waiting since the last Drain, oldest first. When
// the subscriber fell too far behind it returns a single Cleared change.
func (sub *Subscription) Drain() []Change {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.reset {
		sub.reset = false
		sub.pending = sub.pending[:0]
		return []Change{{Kind: Cleared}}
	}
	out := sub.pending
	sub.pending = nil
	return out
}

// Close stops the subscription.
func (sub *Subscription) Close() {
	sub.st.mu.Lock()
	delete(sub.st.subs, sub)
	sub.st.mu.Unlock()
}

func (sub *Subscription) add(c Change) {
	sub.mu.Lock()
	switch {
	case sub.reset:
	case c.Kind == Cleared || len(sub.pending) >= maxPending:
		sub.reset = true
		sub.pending = nil
	default:
		sub.pending = append(sub.pending, c)
	}
	sub.mu.Unlock()
	select {
	case sub.c <- struct{}{}:
	default:
	}
}

func (st *Store) publishLocked(c Change) {
	for sub := range st.subs {
		sub.add(c)
	}
}
