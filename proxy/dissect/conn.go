// Package dissect turns the two byte streams of one relayed connection into
// sessions and exchanges: it pairs requests with responses, flips roles at a
// PTTH 101 and unwraps COMET events and replies. It never touches sockets.
package dissect

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// Recorder receives what the dissector finds; session/store.Store is one.
// Chunk must not keep b after it returns.
type Recorder interface {
	PutSession(s *session.Session)
	PutExchange(e *session.Exchange)
	Chunk(sessionID string, side session.Side, t time.Time, b []byte)
}

// Spooler is a Recorder that can read back the bytes Chunk recorded (a
// capture file): a message longer than SpoolOver is then not held in
// memory while it is dissected, and is stored once, as its chunks.
type Spooler interface {
	Spool(sessionID string, side session.Side, off int64) io.ReaderAt
}

// SpoolOver is the size past which a message's bytes are left to a
// Spooler.
const SpoolOver = 64 << 10

// spoolSide is one side's stream in a Spooler.
type spoolSide struct {
	sp   Spooler
	id   string
	side session.Side
}

// At returns a reader of the side's stream from off on, or nil.
func (s spoolSide) At(off int64) io.ReaderAt { return s.sp.Spool(s.id, s.side, off) }

// Conn dissects one client connection. Feed and Close may be called from the
// two copy goroutines at once.
type Conn struct {
	mu           sync.Mutex
	rec          Recorder
	book         *CometBook
	sess         session.Session
	readers      [2]*wire.Reader // indexed by session.Side
	pending      []*session.Exchange
	early        []*session.Exchange // answered before their request was complete (see answerEarly)
	earlyAt      int64               // stream offset of the request last answered early
	switching    string              // the early exchange whose end turns the client's bytes into responses (see switchEarly)
	unanswerable string              // why no response can be read any more (see broken)
	interim      [2]interimHeld      // per side: interim responses awaiting the final one
	seq          int
	offer        *session.Exchange // request that offered PTTH, awaiting its answer
	closing      [2]bool           // a message from this side asked to close
	truncHinted  [2]bool           // a truncated request / response was hinted
	lfHinted     [2]bool           // a request / response with bare LF framing was hinted
	warnedAC     [2]bool
	fed          [2]int64    // bytes fed per side
	marks        [2][]string // per side: replayOf of the next requests the inspector sent itself
	marked       string      // id of the last request that took a mark
	masking      bool        // FeedSegments is collecting segments
	dropping     bool        // the client is answering an injected request
	mayMask      atomic.Bool // an injected request may be pending (see MayMask)
	reversed     atomic.Bool // roles flipped (see Reversed)
	segStart     int64
	segSide      session.Side
	segs         []segment
	ids          idSource // exchange ids
}

// NewConn starts dissecting a connection from client to upstream.
func NewConn(rec Recorder, book *CometBook, client, upstream string, now time.Time) *Conn {
	c := &Conn{rec: rec, book: book, ids: newIDSource()}
	c.sess = session.Session{ID: uuid.NewString(), Client: client, Upstream: upstream, Started: now}
	c.readers[session.FromClient] = wire.NewReader(wire.Requests, &sideHandler{c, session.FromClient}, wire.Limits{})
	c.readers[session.FromUpstream] = wire.NewReader(wire.Responses, &sideHandler{c, session.FromUpstream}, wire.Limits{})
	if sp, ok := rec.(Spooler); ok {
		for side, r := range c.readers {
			r.SetSpool(spoolSide{sp, c.sess.ID, session.Side(side)}, SpoolOver)
		}
	}
	c.publishSession()
	return c
}

// ID returns the session id.
func (c *Conn) ID() string { return c.sess.ID }

// Feed dissects bytes that crossed the relay from side. It does not keep b.
func (c *Conn) Feed(side session.Side, b []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Chunk(c.sess.ID, side, now, b)
	c.readers[side].Feed(b, now)
	c.fed[side] += int64(len(b))
}

// Close tells the dissector that side sent EOF.
func (c *Conn) Close(side session.Side, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readers[side].Close(now)
}

// End finishes the session: requests still waiting get an error.
func (c *Conn) End(now time.Time, cause string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.endEarly(now)
	interim := c.interimOnly()
	for i, ex := range c.pending {
		cp := *ex
		cp.Error = "connection closed before the response"
		if i == 0 && interim != nil {
			cp.Response = interim // the bytes stay with the exchange they began to answer
			cp.Error = "connection closed after an interim " + strconv.Itoa(interim.Status) + " " + interim.Reason + ", before the final response"
		}
		if cause != "" {
			cp.Error += " (" + cause + ")"
		}
		c.rec.PutExchange(&cp)
	}
	c.pending = nil
	c.sess.Ended = now
	if cause != "" && c.sess.Error == "" {
		c.sess.Error = cause
	}
	c.publishSession()
}

// Fail marks the session with an error that is not a parse error, e.g. an
// unreachable upstream.
func (c *Conn) Fail(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sess.Error = msg
	c.publishSession()
}

func (c *Conn) publishSession() {
	s := c.sess
	s.Hints = slices.Clone(c.sess.Hints)
	if c.sess.Flip != nil {
		f := *c.sess.Flip
		s.Flip = &f
	}
	c.rec.PutSession(&s)
}

func (c *Conn) hint(code, text, exchange string) {
	c.sess.Hints = append(c.sess.Hints, session.Hint{Code: code, Text: text, Exchange: exchange})
	c.publishSession()
}

// hintOn notes a hint about ex on the session and on ex itself, which the
// caller publishes after, so that the filter's hint: finds the exchange.
func (c *Conn) hintOn(ex *session.Exchange, code, text string) {
	c.hint(code, text, ex.ID)
	addHint(ex, session.Hint{Code: code, Text: text})
}

// addHint appends h, about ex, to ex's hints without touching the slice a
// snapshot published before may share.
func addHint(ex *session.Exchange, h session.Hint) {
	h.Exchange = ex.ID
	ex.Hints = append(slices.Clone(ex.Hints), h)
}

// pendingIndex returns where the request exchangeID waits in c.pending,
// or -1.
func (c *Conn) pendingIndex(exchangeID string) int {
	return slices.IndexFunc(c.pending, func(p *session.Exchange) bool { return p.ID == exchangeID })
}

// newExchange starts the session's next exchange, asked by asker: one the
// upstream asks is reversed, over PTTH.
func (c *Conn) newExchange(asker session.Side) *session.Exchange {
	c.seq++
	ex := &session.Exchange{ID: c.ids.next(), Session: c.sess.ID, Seq: c.seq}
	if asker == session.FromUpstream {
		ex.Direction, ex.Transport = session.Reverse, session.PTTH
	}
	return ex
}

// errPipelinedPastUpgrade is the error of a request the client sent behind
// its upgrade offer: after the 101 nothing answers it.
const errPipelinedPastUpgrade = "request pipelined after the upgrade was never answered"

// flipped reports whether the upstream is now the side that asks.
func (c *Conn) flipped() bool { return c.sess.Flip != nil }

func (c *Conn) onRequest(side session.Side, m *session.Message) {
	c.checkAfterClose(side, m)
	if c.requestAnswered(side, m, nil) {
		return
	}
	if side == session.FromClient && c.flipped() {
		// Begun before the 101 (see ResumeBefore) and ended after it: no
		// answer can come; it must not take the client's next response.
		ex := c.newExchange(side)
		ex.Request, ex.Error = m, errPipelinedPastUpgrade
		c.rec.PutExchange(ex)
		return
	}
	ex := c.newExchange(side)
	ex.Request = m
	c.checkMessage("request", m, ex)
	if len(c.marks[side]) > 0 {
		ex.Injected, ex.ReplayOf = true, c.marks[side][0]
		c.marks[side] = c.marks[side][1:]
		c.marked = ex.ID
	}
	if !c.flipped() && c.unanswerable == "" {
		c.checkOffer(ex) // no answer to an offer can be read once the upstream's bytes broke
	}
	if side == session.FromClient && !c.flipped() {
		c.book.requestDone(c, ex)
	}
	if c.unanswerable != "" {
		ex.Error = c.noResponse()
	} else {
		c.pending = append(c.pending, ex)
	}
	c.put(ex)
	c.requestBoundary(side, c.readers[side].Offset(), ex)
}

// put publishes a copy of a working exchange, which the Conn keeps changing.
func (c *Conn) put(ex *session.Exchange) {
	cp := *ex
	c.rec.PutExchange(&cp)
}

// checkOffer notes a request that offers a PTTH upgrade and holds the client
// stream until the answer says whether it carries requests or responses.
func (c *Conn) checkOffer(ex *session.Exchange) {
	m := ex.Request
	tok, ok := ptthToken(m)
	if !ok {
		return
	}
	if m.Proto == "HTTP/1.0" {
		c.hintOn(ex, session.HintUpgradeOnHTTP10, "Upgrade: "+tok+" on an HTTP/1.0 request must be ignored")
		return
	}
	c.checkConnectionUpgrade(ex, m, tok)
	ex.Transport = session.PTTH
	c.offer = ex
	c.readers[session.FromClient].Pause()
}

func (c *Conn) onResponse(side session.Side, m *session.Message) {
	c.checkAfterClose(side, m)
	if m.Status >= 100 && m.Status < 200 && m.Status != 101 {
		c.holdInterim(side, m) // the final response follows
		return
	}
	m = c.withInterim(side, m)
	if len(c.pending) == 0 {
		if c.switchEarly(side, m) || c.answerEarly(side, m) {
			return
		}
		ex := c.newExchange(1 - side)
		ex.Response, ex.Error = m, "response to a request never sent"
		c.hintOn(ex, session.HintUnsolicitedResponse, fmt.Sprintf("%s sent a response to a request never sent", sideName(side)))
		c.rec.PutExchange(ex)
		return
	}
	ex := *c.pending[0]
	c.pending = c.pending[1:]
	ex.Response = m
	c.checkMessage("response", m, &ex)
	c.maskBoundary(side, c.readers[side].Offset())
	if m.Status == 101 {
		c.onSwitch(&ex, m)
	} else if c.offer != nil && c.offer.ID == ex.ID {
		c.offer = nil // refused; it stays a PTTH exchange: it offered the upgrade
		c.readers[session.FromClient].Resume(m.Last)
	}
	if side == session.FromUpstream && ex.Direction == session.Forward {
		c.book.responseDone(c, &ex)
	}
	c.rec.PutExchange(&ex)
}

// onSwitch handles a 101: a PTTH flip, or a tunnel for anything else.
func (c *Conn) onSwitch(ex *session.Exchange, m *session.Message) {
	offered := c.offer != nil && c.offer.ID == ex.ID
	c.offer = nil
	tok, named := ptthToken(m)
	c.check101Length(ex, m)
	if !offered || !named || c.flipped() {
		code, text := session.HintNoUpgradeOn101, "101 without a PTTH Upgrade header: bytes tunnelled unparsed from here"
		if !offered {
			code, text = session.HintUnofferedUpgrade, "101 to a request that offered no PTTH upgrade: bytes tunnelled unparsed from here"
		}
		c.readers[session.FromClient].Tunnel()
		c.readers[session.FromUpstream].Tunnel()
		c.sess.State = session.StateOpaque
		c.hintOn(ex, code, text)
		return
	}
	c.flip(ex, m, tok)
	// Requests the client pipelined after its offer, before it could see
	// the 101, are requests still: read them as such, then mark them.
	c.readers[session.FromClient].ResumeBefore(m.Last)
	for _, p := range c.pending {
		cp := *p
		cp.Error = errPipelinedPastUpgrade
		c.rec.PutExchange(&cp)
	}
	c.pending = nil
	c.closing = [2]bool{}
	c.readers[session.FromUpstream].SetKind(wire.Requests)
	c.readers[session.FromClient].SetKind(wire.Responses)
	c.readers[session.FromClient].Resume(m.Last)
	c.publishSession()
}

// flip records that the 101 m, answering ex, switched the roles to tok:
// the upstream asks from here. The callers move the readers.
func (c *Conn) flip(ex *session.Exchange, m *session.Message, tok string) {
	ex.Transport = session.PTTH
	c.reversed.Store(true)
	c.sess.State = session.StateFlipped
	c.sess.Flip = &session.Flip{At: m.Last, Token: tok, Exchange: ex.ID, Offset: c.readers[session.FromUpstream].Offset()}
}

func (c *Conn) noBody(m *session.Message) bool {
	if len(c.pending) == 0 {
		return false
	}
	return c.pending[0].Request.Method == "HEAD"
}

func sideName(s session.Side) string {
	if s == session.FromUpstream {
		return "upstream"
	}
	return "client"
}

// sideHandler adapts one side's wire.Reader callbacks to the Conn.
type sideHandler struct {
	c    *Conn
	side session.Side
}

// NoBody reports whether a response answers a HEAD request.
func (h *sideHandler) NoBody(m *session.Message) bool { return h.c.noBody(m) }

// Message routes a complete message to the request or response logic.
func (h *sideHandler) Message(m *session.Message) {
	if m.IsRequest() {
		h.c.onRequest(h.side, m)
	} else {
		h.c.onResponse(h.side, m)
	}
}

// Incomplete records a message cut short by the end of the stream.
func (h *sideHandler) Incomplete(m *session.Message, err error) { h.c.incomplete(h.side, m, err) }

// Broken stops dissecting the connection; its bytes still flow.
func (h *sideHandler) Broken(offset int64, err error) { h.c.broken(h.side, offset, err) }
