package dissect

import (
	"time"

	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// Segment is a run of fed bytes and what the relay should do with it.
type Segment struct {
	Data    []byte            // part of the fed bytes; only valid until the caller reuses them
	Drop    bool              // answers a request the inspector injected: not forwarded
	Request *session.Exchange // the run ends this request (a snapshot)
	Partial bool              // the run starts a message that is not complete yet
	// PartialRequest is Partial for a side that carries requests now.
	PartialRequest bool
}

// segment is a run of one side's stream, by stream offsets.
type segment struct {
	start, end int64
	drop       bool
	req        *session.Exchange
}

// FeedSegments is Feed for a relay that needs message boundaries: to keep
// answers to injected requests from the upstream, or to pause requests at a
// breakpoint. It returns b cut into runs, each ending at a complete message
// except perhaps the last.
func (c *Conn) FeedSegments(side session.Side, b []byte, now time.Time) []Segment {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Chunk(c.sess.ID, side, now, b)
	start := c.fed[side]
	c.segs = c.segs[:0]
	c.segStart = start
	c.masking = true
	c.segSide = side
	c.dropping = side == c.answerSide() && c.frontInjected()
	c.readers[side].Feed(b, now)
	c.fed[side] += int64(len(b))
	c.masking = false
	end := c.fed[side]
	// Only a reader that still parses can complete a message later: bytes a
	// tunnelled, broken or paused reader holds must not wait for one.
	partial := c.readers[side].Offset() != end && c.readers[side].Parsing()
	c.segs = append(c.segs, segment{start: c.segStart, end: end, drop: c.dropping})
	absorbBlankLines(c.segs, b, start)
	out := make([]Segment, 0, len(c.segs))
	for i, s := range c.segs {
		if s.end <= s.start && s.req == nil {
			continue
		}
		seg := Segment{Data: b[s.start-start : s.end-start], Drop: s.drop, Request: s.req}
		if i == len(c.segs)-1 && partial {
			seg.Partial = true
			seg.PartialRequest = c.readers[side].Kind() == wire.Requests
		}
		out = append(out, seg)
	}
	return out
}

// absorbBlankLines moves the CR and LF bytes that directly follow a dropped
// run (a client that ends its answer with a stray line end, as the seed
// client does) into that run, so they are dropped with the answer instead of
// reaching an upstream that never asked.
func absorbBlankLines(segs []segment, b []byte, start int64) {
	for i := 0; i+1 < len(segs); i++ {
		if !segs[i].drop || segs[i+1].drop {
			continue
		}
		next := &segs[i+1]
		for next.start < next.end && (b[next.start-start] == '\r' || b[next.start-start] == '\n') {
			next.start++
			segs[i].end++
		}
	}
}

// answerSide is the side whose bytes are responses now.
func (c *Conn) answerSide() session.Side {
	if c.flipped() {
		return session.FromClient
	}
	return session.FromUpstream
}

// maskBoundary closes the current run at a final response that ends at end;
// the next run is dropped when the next pending request was injected.
func (c *Conn) maskBoundary(side session.Side, end int64) {
	if !c.masking || side != c.segSide {
		return
	}
	c.segs = append(c.segs, segment{start: c.segStart, end: end, drop: c.dropping})
	c.segStart = end
	c.dropping = side == c.answerSide() && c.frontInjected()
}

// requestBoundary closes the current run at a request that ends at end.
func (c *Conn) requestBoundary(side session.Side, end int64, ex *session.Exchange) {
	if !c.masking || side != c.segSide {
		return
	}
	cp := *ex
	c.segs = append(c.segs, segment{start: c.segStart, end: end, drop: c.dropping, req: &cp})
	c.segStart = end
}

// Drop forgets a request the relay will never forward (dropped at a
// breakpoint): it no longer waits for a response.
func (c *Conn) Drop(exchangeID, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := c.pendingIndex(exchangeID); i >= 0 {
		cp := *c.pending[i]
		cp.Error = why
		c.pending = append(c.pending[:i:i], c.pending[i+1:]...)
		c.rec.PutExchange(&cp)
	}
}

// Annotate adds a hint to a pending exchange (e.g. "paused at a breakpoint").
func (c *Conn) Annotate(exchangeID string, h session.Hint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := c.pendingIndex(exchangeID); i >= 0 {
		addHint(c.pending[i], h)
		c.put(c.pending[i])
	}
}

// Answer records a response the relay itself writes to the client for
// request exchangeID, which it kept from the upstream and which must be the
// only request waiting. It must be called, and the bytes written, while
// nothing else writes to the client; it fails when the upstream is in the
// middle of a message or other requests wait for it.
func (c *Conn) Answer(exchangeID string, resp []byte, note string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	up := session.FromUpstream
	if c.flipped() || c.readers[up].Offset() != c.fed[up] || len(c.pending) != 1 || c.pending[0].ID != exchangeID {
		return ErrNotIdle
	}
	p := c.pending[0]
	addHint(p, session.Hint{Code: session.HintAnswered, Text: note})
	c.rec.Chunk(c.sess.ID, up, now, resp)
	c.readers[up].Feed(resp, now)
	c.fed[up] += int64(len(resp))
	return nil
}
