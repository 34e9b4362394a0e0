package proxy

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"time"

	"ptth-inspector/proxy/dissect"
)

// ErrSessionGone says the session's connection is closed; a client that
// reconnected can be found with LiveFlipped.
var ErrSessionGone = errors.New("the session's connection is closed")

// liveConn is one relayed connection the relay can still write into.
type liveConn struct {
	r          *Relay
	client, up net.Conn
	clientHost string // the client's address without its port, worked out once
	d          *dissect.Conn
	feed       *feeder // runs d beside the copy
	started    time.Time
	clientMu   sync.Mutex // serialises writes to the client
	done       chan struct{}
	quitOnce   sync.Once
}

// quit tells anything waiting on this connection (a paused request) that it
// is going away.
func (lc *liveConn) quit() { lc.quitOnce.Do(func() { close(lc.done) }) }

func (r *Relay) register(id string, lc *liveConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if lc == nil {
		delete(r.live, id)
	} else {
		r.live[id] = lc
	}
}

// InjectWait bounds how long Inject waits for the upstream to finish the
// message it is sending before it gives up.
const InjectWait = 10 * time.Second

// Inject writes a request into a live flipped session's client socket, as if
// the upstream had sent it, between two of the upstream's messages (it waits
// while one is under way). The client's answer is captured as an exchange
// marked Injected with replayOf, and not forwarded to the upstream, which
// never asked. It returns the new exchange's id.
func (r *Relay) Inject(sessionID string, req []byte, replayOf string) (string, error) {
	r.mu.Lock()
	lc := r.live[sessionID]
	r.mu.Unlock()
	if lc == nil {
		return "", ErrSessionGone
	}
	deadline := time.Now().Add(InjectWait)
	for {
		// TryLock: a reversed request paused at a breakpoint holds the
		// client's write lock; wait for it no longer than InjectWait.
		if !lc.clientMu.TryLock() {
			if time.Now().After(deadline) {
				return "", fmt.Errorf("the client's socket stayed busy for %v (a request paused at a breakpoint?)", InjectWait)
			}
			time.Sleep(2 * time.Millisecond)
			continue
		}
		lc.feed.sync() // the upstream's bytes forwarded so far are dissected
		id, err := lc.d.Inject(req, replayOf, time.Now())
		if err == nil {
			_, werr := lc.client.Write(req)
			lc.clientMu.Unlock()
			if werr != nil {
				return id, fmt.Errorf("write to client: %w", werr)
			}
			return id, nil
		}
		lc.clientMu.Unlock()
		if !errors.Is(err, dissect.ErrNotIdle) {
			return "", err
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("still busy after %v: %w", InjectWait, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// LiveFlipped returns the ids of the live flipped sessions whose client is
// on host (the client address without its port), newest first: clients
// reconnect, and a replay may go to the newest socket instead.
func (r *Relay) LiveFlipped(host string) []string {
	r.mu.Lock()
	type cand struct {
		id string
		at time.Time
		lc *liveConn
	}
	var all, cs []cand
	for id, lc := range r.live {
		if host == "" || lc.host() == host {
			all = append(all, cand{id, lc.started, lc})
		}
	}
	r.mu.Unlock()
	for _, c := range all {
		if !c.lc.d.Reversed() {
			c.lc.feed.sync() // a 101 already forwarded has been seen
		}
		if c.lc.d.Flipped() {
			cs = append(cs, c)
		}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].at.After(cs[j].at) })
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.id
	}
	return out
}
