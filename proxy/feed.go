package proxy

import (
	"sync"
	"sync/atomic"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// chunkSize is how much one read from a socket may bring.
const chunkSize = 64 << 10

// chunksPerSide bounds how far one direction's dissection may lag behind
// its forwarding: past it, the copy waits for the dissector (nothing is
// ever dropped).
const chunksPerSide = 16

// settle is how long the dissector of a flipped connection, woken from idle
// by a chunk, lets more chunks gather before it starts. Dissecting a burst at once instead of each
// chunk the moment it is queued keeps the dissector from running ahead of
// the forwarding goroutines on a busy machine (with 64-byte exchanges on 2
// cores, relay/bare goes from about 0.73 to about 0.83; see
// BenchmarkRelay). Anything that waits for the dissector cuts it short.
const settle = time.Millisecond

// chunkPool recycles read buffers between connections.
var chunkPool = sync.Pool{New: func() any { return new([chunkSize]byte) }}

// feedItem is one thing for the dissector, in the order the relay saw it.
type feedItem struct {
	side   session.Side
	buf    *[chunkSize]byte // nil: not a chunk
	n      int
	at     time.Time
	eof    bool          // side sent EOF
	synced chan struct{} // a barrier: closed when everything before it is dissected
}

// feeder runs one connection's dissector on a goroutine of its own. The copy
// loops hand it each chunk just before they forward it and go on at once,
// so forwarding never waits for parsing or the capture file; the dissector
// still sees the two directions in exactly the order the relay forwarded
// them (a peer's answer can only be read after the bytes it answers were
// queued). Paths that act on the dissector's state (intercept, injection)
// call sync first.
type feeder struct {
	d      *dissect.Conn
	q      chan feedItem
	owed   atomic.Int64 // items queued and not yet dissected
	free   [2]chan *[chunkSize]byte
	made   [2]int        // buffers made per side, at most chunksPerSide
	settle time.Duration // see the constant settle
	hurry  chan struct{} // a token cuts the current settle short
	mu     sync.RWMutex
	ended  bool
	done   chan struct{}
}

func newFeeder(d *dissect.Conn) *feeder { return startFeeder(d, settle) }

// startFeeder starts a feeder whose dissector settles for wait after idle.
func startFeeder(d *dissect.Conn, wait time.Duration) *feeder {
	f := &feeder{d: d, settle: wait, q: make(chan feedItem, 2*chunksPerSide+8), hurry: make(chan struct{}, 1), done: make(chan struct{})}
	for i := range f.free {
		f.free[i] = make(chan *[chunkSize]byte, chunksPerSide)
	}
	go f.run()
	return f
}

func (f *feeder) run() {
	defer close(f.done)
	t := time.NewTimer(f.settle)
	t.Stop()
	for {
		var it feedItem
		var ok bool
		select {
		case it, ok = <-f.q:
		default:
			// Idle: wait for the next item and, when it is a chunk of a
			// flipped connection, for the ones behind it. (Before the
			// flip each upstream chunk waits for the dissector anyway.)
			if it, ok = <-f.q; ok && it.buf != nil && f.d.Reversed() {
				t.Reset(f.settle)
				select {
				case <-t.C:
				case <-f.hurry:
					t.Stop()
				}
			}
		}
		if !ok {
			return
		}
		switch {
		case it.synced != nil:
			close(it.synced)
		case it.eof:
			f.d.Close(it.side, it.at)
		default:
			f.d.Feed(it.side, it.buf[:it.n], it.at)
			f.free[it.side] <- it.buf
		}
		f.owed.Add(-1)
	}
}

// hasten cuts the dissector's settle short: someone waits for it. A token
// left over makes at most one later settle end early.
func (f *feeder) hasten() {
	select {
	case f.hurry <- struct{}{}:
	default:
	}
}

// buffer returns a buffer for side's next read: a free one, a new one while
// fewer than chunksPerSide exist, else the next one the dissector frees.
// Only side's copy loop calls it.
func (f *feeder) buffer(side session.Side) *[chunkSize]byte {
	select {
	case b := <-f.free[side]:
		return b
	default:
	}
	if f.made[side] < chunksPerSide {
		f.made[side]++
		return chunkPool.Get().(*[chunkSize]byte)
	}
	f.hasten()
	return <-f.free[side]
}

// chunk queues buf[:n] from side for dissection. buf must not be written
// again until buffer hands it back.
func (f *feeder) chunk(side session.Side, buf *[chunkSize]byte, n int, at time.Time) {
	f.owed.Add(1)
	f.q <- feedItem{side: side, buf: buf, n: n, at: at}
}

// eof queues side's EOF.
func (f *feeder) eof(side session.Side, at time.Time) {
	f.owed.Add(1)
	f.q <- feedItem{side: side, eof: true, at: at}
}

// sync returns once everything queued before it has been dissected.
func (f *feeder) sync() {
	if f.owed.Load() == 0 {
		return
	}
	f.mu.RLock()
	if f.ended {
		f.mu.RUnlock()
		<-f.done
		return
	}
	c := make(chan struct{})
	f.owed.Add(1)
	f.hasten() // the send below may wait for room behind a settle
	f.q <- feedItem{synced: c}
	f.mu.RUnlock()
	f.hasten()
	<-c
}

// end dissects what is queued and stops the goroutine; both copy loops
// must have returned. The buffers go back to the pool.
func (f *feeder) end() {
	f.mu.Lock()
	if !f.ended {
		f.ended = true
		close(f.q)
	}
	f.mu.Unlock()
	f.hasten()
	<-f.done
	for i := range f.free {
		for len(f.free[i]) > 0 {
			chunkPool.Put(<-f.free[i])
		}
	}
}
