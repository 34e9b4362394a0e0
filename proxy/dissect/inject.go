package dissect

import (
	"errors"
	"fmt"
	"time"

	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// ErrNotIdle says the upstream is in the middle of sending a message to the
// client; an injected request has to wait for the message to end.
var ErrNotIdle = errors.New("the upstream is in the middle of a message")

// ErrNotFlipped says the session's roles have not flipped, so its client
// takes no requests.
var ErrNotFlipped = errors.New("the session is not a flipped PTTH session")

// Flipped reports whether the session's roles have flipped.
func (c *Conn) Flipped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flipped() && !c.ended()
}

// Reversed reports without locking whether the roles have flipped: from
// then on the upstream sends requests. Once true it stays true.
func (c *Conn) Reversed() bool { return c.reversed.Load() }

func (c *Conn) ended() bool { return !c.sess.Ended.IsZero() }

// Inject records a request the relay itself writes to the client on a
// flipped socket. It must be called, and the bytes written, while nothing
// else writes to the client, and only when the upstream's stream is between
// messages. The client's answer will be reported by FeedSegments as bytes to
// drop, and the exchange is marked Injected with replayOf.
func (c *Conn) Inject(req []byte, replayOf string, now time.Time) (string, error) {
	if err := checkOneRequest(req); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.flipped() || c.ended() || c.opaqueLocked() {
		return "", ErrNotFlipped
	}
	if c.unanswerable != "" {
		// Its answer could not be told from the client's other bytes, nor
		// kept from the upstream.
		return "", fmt.Errorf("the client's answers no longer parse (%s): nothing can be injected", c.unanswerable)
	}
	if c.switching != "" {
		// The client has not finished its upgrade request (see
		// switchEarly): its next bytes are not an answer yet.
		return "", fmt.Errorf("the client is still sending its upgrade request: %w", ErrNotIdle)
	}
	up := session.FromUpstream
	if c.readers[up].Offset() != c.fed[up] {
		return "", ErrNotIdle
	}
	c.mayMask.Store(true)
	c.marks[up] = append(c.marks[up], replayOf)
	c.marked = ""
	c.rec.Chunk(c.sess.ID, up, now, req)
	c.readers[up].Feed(req, now)
	c.fed[up] += int64(len(req))
	if c.marked == "" {
		c.marks[up] = nil
		return "", fmt.Errorf("injected request was not read as one request")
	}
	return c.marked, nil
}

// MarkNext says the next request to arrive from side was sent by the
// inspector itself, replaying replayOf (which may be empty): its exchange is
// marked Injected. Marks are taken in order, one per request.
func (c *Conn) MarkNext(side session.Side, replayOf string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mayMask.Store(true)
	c.marks[side] = append(c.marks[side], replayOf)
}

func (c *Conn) opaqueLocked() bool { return c.sess.State == session.StateOpaque }

// checkOneRequest makes sure b is exactly one complete request.
func checkOneRequest(b []byte) error {
	_, err := readOneRequest(b, time.Time{})
	return err
}

// readOneRequest reads b, which must be exactly one complete request, as
// if all of it crossed the relay at now.
func readOneRequest(b []byte, now time.Time) (*session.Message, error) {
	var h oneMessage
	r := wire.NewReader(wire.Requests, &h, wire.Limits{})
	r.Feed(b, now)
	switch {
	case h.err != nil:
		return nil, fmt.Errorf("not a request: %w", h.err)
	case h.n == 0:
		return nil, errors.New("not a complete request (is the head ended by an empty line, and the body as long as Content-Length says?)")
	case h.n > 1:
		return nil, fmt.Errorf("%d requests where one was expected", h.n)
	case r.Offset() != int64(len(b)):
		return nil, fmt.Errorf("%d bytes after the request", int64(len(b))-r.Offset())
	}
	return h.first, nil
}

// oneMessage counts the requests a Reader finds and keeps the first.
type oneMessage struct {
	n     int
	first *session.Message
	err   error
}

// NoBody is never true: only requests are read here.
func (h *oneMessage) NoBody(*session.Message) bool { return false }

// Message counts a complete request.
func (h *oneMessage) Message(m *session.Message) {
	if h.n == 0 {
		h.first = m
	}
	h.n++
}

// Incomplete ignores a cut request: it counts as none.
func (h *oneMessage) Incomplete(*session.Message, error) {}

// Broken keeps the parse error.
func (h *oneMessage) Broken(_ int64, err error) { h.err = err }

// Masking reports whether the client's next bytes may answer an injected
// request, in which case the relay must use FeedSegments for them.
func (c *Conn) Masking() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropping {
		return true
	}
	for _, p := range c.pending {
		if p.Injected {
			return true
		}
	}
	c.mayMask.Store(false)
	return false
}

// MayMask is a lock-free first look at Masking: false means Masking is
// false; true means ask Masking. The relay asks it on every chunk.
func (c *Conn) MayMask() bool { return c.mayMask.Load() }

func (c *Conn) frontInjected() bool { return len(c.pending) > 0 && c.pending[0].Injected }
