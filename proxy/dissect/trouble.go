package dissect

import (
	"fmt"

	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// checkAfterClose notes a message from a side that had already asked to
// close, and whether this one asks to.
func (c *Conn) checkAfterClose(side session.Side, m *session.Message) {
	c.afterClose(side)
	if wantsClose(m) {
		c.closing[side] = true
	}
}

// afterClose hints, once per side, that bytes came from a side that had
// asked to close: a whole message, a message cut short or bytes that do
// not parse alike.
func (c *Conn) afterClose(side session.Side) {
	if c.closing[side] && !c.warnedAC[side] {
		c.warnedAC[side] = true
		c.hint(session.HintBytesAfterClose, sideName(side)+" sent more after Connection: close", "")
	}
}

// checkMessage notes, for the first request and the first response that
// show it: a message the capture could not keep whole (each one is marked
// Truncated; one hint says why), and framing lines ended in LF alone.
func (c *Conn) checkMessage(what string, m *session.Message, ex *session.Exchange) {
	k := 0
	if what == "response" {
		k = 1
	}
	if m.BareLF && !c.lfHinted[k] {
		c.lfHinted[k] = true
		c.hintOn(ex, session.HintBareLF, fmt.Sprintf("%s framed with bare LF line ends (head or chunk lines without CR); HTTP/1.1 senders must send CRLF, and not every recipient accepts LF alone; later ones are not hinted", what))
	}
	if m.Truncated && !c.truncHinted[k] {
		c.truncHinted[k] = true
		c.hintOn(ex, session.HintTruncated, fmt.Sprintf("%s cut in the capture (a line over %d KiB, or a body over %d MiB that could not be left in the capture file); the relay forwarded every byte; later cut %ss are marked, not hinted",
			what, wire.DefaultMaxLine>>10, wire.DefaultMaxBody>>20, what))
	}
}

// incomplete records a message that the end of its stream cut short.
func (c *Conn) incomplete(side session.Side, m *session.Message, err error) {
	c.afterClose(side)
	if m.IsRequest() {
		if c.requestAnswered(side, m, err) {
			return
		}
		ex := c.newExchange(side)
		ex.Request, ex.Error = m, "request cut short: "+err.Error()
		c.rec.PutExchange(ex)
		return
	}
	m = c.withInterim(side, m)
	if len(c.pending) == 0 {
		if m.Status < 100 {
			return // not even a status line: the raw bytes and the hints say it all
		}
		// Still shown, bytes and all, though nothing asked for it.
		ex := c.newExchange(1 - side)
		ex.Response, ex.Error = m, "response cut short: "+err.Error()+"; no request was waiting for it"
		c.rec.PutExchange(ex)
		return
	}
	ex := *c.pending[0]
	c.pending = c.pending[1:]
	ex.Response = m
	ex.Error = "response cut short: " + err.Error()
	c.rec.PutExchange(&ex)
}

// broken notes that side's bytes stopped parsing at offset. When the side
// that answers breaks, the other side's requests still parse and are
// recorded, each saying why it has no response; when the asking side
// breaks (or an upgrade offer awaits its answer), nothing pairs any more
// and the other side is tunnelled too. Every byte is still relayed.
func (c *Conn) broken(side session.Side, offset int64, err error) {
	c.afterClose(side)
	msg := fmt.Sprintf("unparsed from offset %d (%s): %v", offset, sideName(side), err)
	if side == c.answerSide() && c.offer == nil {
		c.unanswerable = msg
		for _, p := range c.pending {
			cp := *p
			cp.Error = c.noResponse()
			c.rec.PutExchange(&cp)
		}
		c.pending = nil
	} else {
		c.readers[1-side].Tunnel()
	}
	if c.sess.Error == "" {
		c.sess.Error = msg
	}
	c.hint(session.HintUnparsed, msg+"; bytes still relayed unchanged", "")
}

// noResponse is the error of a request whose answer can no longer be
// read (see broken).
func (c *Conn) noResponse() string {
	return "no response can be read: the " + sideName(c.answerSide()) + "'s bytes are " + c.unanswerable
}
