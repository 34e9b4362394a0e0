package dissect

import (
	"errors"
	"time"

	"ptth-inspector/session"
)

// ErrNotPending says no request with that exchange id waits for its
// response on this connection.
var ErrNotPending = errors.New("no such request waits for its response")

// Edited records that the pending request exchangeID went on as raw, not
// as the bytes its sender sent (it was edited at a breakpoint): Request
// becomes raw, read as if it crossed the relay at now, and Original keeps
// what the sender sent. The response that comes is read against the
// edited request (a GET made a HEAD gets no body); a request edited into
// a PTTH offer flips the roles when a 101 accepts it, and one edited out
// of an offer no longer does. raw must be exactly one complete request.
func (c *Conn) Edited(exchangeID string, raw []byte, now time.Time) error {
	m, err := readOneRequest(raw, now)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.pendingIndex(exchangeID)
	if i < 0 {
		return ErrNotPending
	}
	p := c.pending[i]
	if p.Original == nil {
		p.Original = p.Request
	}
	p.Request = m
	_, offers := offersPTTH(m)
	switch {
	case c.offer == nil && offers && !c.flipped() && i == len(c.pending)-1:
		// Edited into an offer of PTTH: hold what the client sends next
		// until the answer says which way it goes.
		c.checkOffer(p)
	case c.offer != nil && c.offer.ID == p.ID && !offers:
		// Edited out of one: what the client sends next is requests.
		c.offer = nil
		p.Transport = session.HTTP
		c.readers[session.FromClient].Resume(now)
	}
	addHint(p, session.Hint{Code: session.HintPaused,
		Text: "edited at a breakpoint: Request shows the bytes forwarded; the original is what the " + sideName(1-c.answerSide()) + " sent"})
	c.put(p)
	return nil
}
