package dissect

import (
	"fmt"
	"time"

	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// A peer may send its final response before the request it answers is
// complete: a 413 or 401 while an upload is still arriving, after which
// the client either finishes the body or closes. Such a response is paired
// with the request in progress at once (the exchange shows the request's
// head so far); the complete request, or the one cut short, takes its
// place when it ends.

// answerEarly records m, sent by side, as the answer to the request the
// other side has begun and not finished. It reports false when the other
// side has no request in progress.
func (c *Conn) answerEarly(side session.Side, m *session.Message) bool {
	begun := c.readers[1-side].Begun(m.First)
	at := c.readers[1-side].Offset() // where the request in progress began
	if begun == nil || m.Status < 200 || !begun.IsRequest() || (len(c.early) > 0 && c.earlyAt == at) {
		return false // a second answer to one request answers nothing
	}
	c.earlyAt = at
	ex := c.newExchange(1 - side)
	ex.Request, ex.Response = begun, m
	ex.Hints = []session.Hint{{Code: session.HintEarlyResponse, Exchange: ex.ID,
		Text: fmt.Sprintf("%s answered before the request was complete", sideName(side))}}
	c.checkMessage("response", m, ex)
	c.maskBoundary(side, c.readers[side].Offset())
	if side == session.FromUpstream && ex.Direction == session.Forward {
		c.book.responseDone(c, ex) // its COMET events are open from now on
	}
	c.early = append(c.early, ex)
	c.put(ex)
	return true
}

// switchEarly takes a 101 from the upstream that accepts the PTTH offer of
// a request still arriving (its body, say): the upstream's bytes after the
// 101 are requests at once, and the client's become responses when its
// request ends, since a client cannot change protocols in the middle of a
// message (RFC 9110 §7.8). It reports false when m is no such answer.
func (c *Conn) switchEarly(side session.Side, m *session.Message) bool {
	if m.Status != 101 || side != session.FromUpstream || c.flipped() || len(c.early) > 0 || c.unanswerable != "" {
		return false
	}
	begun := c.readers[session.FromClient].Begun(m.First)
	if begun == nil || !begun.IsRequest() {
		return false
	}
	offered, ok := offersPTTH(begun)
	tok, named := ptthToken(m)
	if !ok || !named {
		return false // a 101 that names no PTTH upgrade tunnels, as in onSwitch
	}
	c.earlyAt = c.readers[session.FromClient].Offset()
	ex := c.newExchange(session.FromClient)
	ex.Request, ex.Response = begun, m
	ex.Hints = []session.Hint{{Code: session.HintEarlyResponse, Exchange: ex.ID,
		Text: "upstream switched to " + tok + " before the request was complete: the client's bytes after its request are responses"}}
	c.checkConnectionUpgrade(ex, begun, offered)
	c.checkMessage("response", m, ex)
	c.check101Length(ex, m)
	c.maskBoundary(side, c.readers[side].Offset())
	c.early = append(c.early, ex)
	c.switching = ex.ID
	c.flip(ex, m, tok)
	c.closing = [2]bool{}
	c.readers[session.FromUpstream].SetKind(wire.Requests)
	c.put(ex)
	c.publishSession()
	return true
}

// requestAnswered gives a request that just ended, complete or cut short
// (cut is then why), to the exchange already answered early, if any, and
// reports whether there was one.
func (c *Conn) requestAnswered(side session.Side, m *session.Message, cut error) bool {
	if len(c.early) == 0 || (c.early[0].Direction == session.Reverse) != (side == session.FromUpstream) {
		return false // none, or side asks in the other direction (see switchEarly)
	}
	ex := c.early[0]
	c.early = c.early[1:]
	ex.Request = m
	c.checkMessage("request", m, ex)
	switching := ex.ID == c.switching
	if switching {
		c.switching = ""
	}
	if cut != nil {
		ex.Error = "request cut short: " + cut.Error()
		c.put(ex)
		return true
	}
	if switching {
		// The upgrade request is complete: the client answers from here.
		c.readers[session.FromClient].SetKind(wire.Responses)
	}
	if side == session.FromClient && !c.flipped() {
		c.book.requestDone(c, ex) // its response's events were opened when it came
	}
	c.put(ex)
	c.requestBoundary(side, c.readers[side].Offset(), ex)
	return true
}

// endEarly marks the exchanges answered early whose request never ended.
func (c *Conn) endEarly(now time.Time) {
	for _, ex := range c.early {
		ex.Error = "connection closed before the request was complete"
		r := *ex.Request // a copy: the one published before must not change
		r.Last = now
		ex.Request = &r
		c.put(ex)
	}
	c.early = nil
}
