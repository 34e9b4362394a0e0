package proxy

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"ptth-inspector/proxy/comet"
	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// cometQueue holds events the inspector hands to COMET clients itself, by
// client host, and the message-ids whose replies it must keep.
type cometQueue struct {
	events map[string][]comet.Event
	sent   map[string]map[string]bool
	owed   atomic.Int64 // queued events plus replies still expected, for a lock-free fast path
}

// QueueComet puts an event (built from a raw request) on the queue of the
// COMET client on host: the relay answers that client's next poll itself
// with it, instead of forwarding the poll, and keeps the client's reply from
// the upstream, which never asked. It returns the event's message-id.
func (r *Relay) QueueComet(host string, req *session.Message, replayOf string) (string, error) {
	ev, err := comet.EventFromRequest(req, "inspector-"+uuid.NewString())
	if err != nil {
		return "", err
	}
	r.Book.MarkInjected(host, ev.MessageID, replayOf)
	r.mu.Lock()
	defer r.mu.Unlock()
	q := &r.comet
	if q.events == nil {
		q.events, q.sent = map[string][]comet.Event{}, map[string]map[string]bool{}
	}
	q.events[host] = append(q.events[host], ev)
	if q.sent[host] == nil {
		q.sent[host] = map[string]bool{}
	}
	q.sent[host][ev.MessageID] = true
	q.owed.Add(2)
	return ev.MessageID, nil
}

// cometActive reports whether the relay must look at whole requests from
// clients on host: events wait to be handed out or replies to be kept.
func (r *Relay) cometActive(host string) bool {
	if r.comet.owed.Load() == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.comet.events[host]) > 0 || len(r.comet.sent[host]) > 0
}

// cometPlan decides what to do with a complete client request: answer {}
// (it carries only replies to our events), answer with a queued event (it
// is a poll: a POST with an empty or COMET body and no replies), or nothing
// (forward it). Once the answer has really been given, commit settles the
// queue; if it cannot be given, undo restores it.
func (r *Relay) cometPlan(host string, m *session.Message) (resp []byte, note string, commit, undo func()) {
	if m == nil || m.Method != "POST" || dissect.TooLongForComet(m) {
		return nil, "", nil, nil
	}
	body, err := m.Body()
	if err != nil {
		return nil, "", nil, nil
	}
	d, err := comet.Decode(body)
	if len(bytes.TrimSpace(body)) > 0 && (err != nil || !d.OK) {
		return nil, "", nil, nil // not COMET: an ordinary POST goes upstream
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	q := &r.comet
	if len(d.Replies) > 0 {
		for _, rep := range d.Replies {
			if !q.sent[host][rep.MessageID] {
				return nil, "", nil, nil // replies to the upstream's own events go to the upstream
			}
		}
		commit = func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, rep := range d.Replies {
				if q.sent[host][rep.MessageID] {
					delete(q.sent[host], rep.MessageID)
					q.owed.Add(-1)
				}
			}
		}
		return jsonResponse([]byte("{}")), "reply to an event the inspector queued: acknowledged by the inspector, not forwarded", commit, func() {}
	}
	if len(d.Events) > 0 || len(q.events[host]) == 0 {
		return nil, "", nil, nil
	}
	// Take the event now, so a poll on another connection of the same
	// host cannot be handed it too; undo puts it back at the head.
	ev := q.events[host][0]
	q.events[host] = q.events[host][1:]
	commit = func() { q.owed.Add(-1) } // owed stays up until then: polls keep being looked at
	undo = func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		q.events[host] = append([]comet.Event{ev}, q.events[host]...)
	}
	return jsonResponse(comet.EncodeEvent(ev)), "poll answered by the inspector with a queued COMET event", commit, undo
}

func jsonResponse(body []byte) []byte {
	return append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))), body...)
}

// answerComet answers a held client request itself when it is a poll for a
// queued event or carries replies to one. It reports whether it did.
func (lc *liveConn) answerComet(side session.Side, ex *session.Exchange) bool {
	if side != session.FromClient || ex.Direction != session.Forward {
		return false
	}
	host := lc.host()
	if !lc.r.cometActive(host) {
		return false
	}
	resp, note, commit, undo := lc.r.cometPlan(host, ex.Request)
	if resp == nil {
		return false
	}
	lc.clientMu.Lock()
	defer lc.clientMu.Unlock()
	lc.feed.sync() // the upstream's bytes forwarded so far are dissected
	if err := lc.d.Answer(ex.ID, resp, note, time.Now()); err != nil {
		undo() // other requests wait upstream: forward this one; the event stays queued
		return false
	}
	commit()
	lc.client.Write(resp)
	return true
}

func (lc *liveConn) host() string { return lc.clientHost }
