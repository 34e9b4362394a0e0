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
	for i, p := range c.pending {
		if p.ID != exchangeID {
			continue
		}
		if p.Original == nil {
			p.Original = p.Request
		}
		p.Request = m
		_, offers := ptthToken(m)
		offers = offers && m.Proto != "HTTP/1.0"
		switch {
		case c.offer == nil && offers && !c.flipped() && i == len(c.pending)-1:
			// Edited into an offer of PTTH: hold what the client sends
			// next until the answer says which way it goes.
			c.checkOffer(p)
		case c.offer != nil && c.offer.ID == p.ID && !offers:
			// Edited out of one: what the client sends next is requests.
			c.offer = nil
			p.Transport = session.HTTP
			c.readers[session.FromClient].Resume(now)
		}
		text := "edited at a breakpoint: Request shows the bytes forwarded; the original is what the " + c.askerName() + " sent"
		p.Hints = append(append([]session.Hint(nil), p.Hints...), session.Hint{Code: session.HintPaused, Text: text, Exchange: p.ID})
		c.put(p)
		return nil
	}
	return ErrNotPending
}

// askerName names the peer whose requests the connection reads now.
func (c *Conn) askerName() string {
	if c.answerSide() == session.FromClient {
		return "upstream"
	}
	return "client"
}
