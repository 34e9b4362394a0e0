package dissect

import (
	"fmt"
	"time"

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

// requestAnswered gives a request that just ended, complete or cut short
// (cut is then why), to the exchange already answered early, if any, and
// reports whether there was one.
func (c *Conn) requestAnswered(side session.Side, m *session.Message, cut error) bool {
	if len(c.early) == 0 {
		return false
	}
	ex := c.early[0]
	c.early = c.early[1:]
	ex.Request = m
	c.checkMessage("request", m, ex)
	if cut != nil {
		ex.Error = "request cut short: " + cut.Error()
		c.put(ex)
		return true
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
		ex.Request.Last = now
		c.put(ex)
	}
	c.early = nil
}
