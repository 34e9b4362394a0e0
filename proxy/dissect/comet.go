package dissect

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"ptth-inspector/proxy/comet"
	"ptth-inspector/proxy/wire"
	"ptth-inspector/session"
)

// CometBook pairs COMET events with their replies by message-id, across all
// the connections of one client host. One book serves a whole relay.
type CometBook struct {
	mu       sync.Mutex
	rec      Recorder
	open     map[cometKey][]*session.Exchange // events awaiting a reply, oldest first
	injected map[cometKey]string              // events the inspector queued itself → replayOf
}

type cometKey struct{ host, id string }

// NewCometBook returns an empty book that records paired exchanges to rec.
func NewCometBook(rec Recorder) *CometBook {
	return &CometBook{rec: rec, open: map[cometKey][]*session.Exchange{}, injected: map[cometKey]string{}}
}

// MarkInjected says the event with messageID, for clients on host, was put
// in the client's queue by the inspector (replaying replayOf): its exchange
// is marked Injected.
func (b *CometBook) MarkInjected(host, messageID, replayOf string) {
	b.mu.Lock()
	b.injected[cometKey{host, messageID}] = replayOf
	b.mu.Unlock()
}

// looksJSON is a cheap test run before the decoder.
func looksJSON(body []byte) bool {
	body = bytes.TrimLeft(body, " \t\r\n")
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

// MaxCometBody is the longest body read back to look for COMET events or
// replies in, the reader's default MaxBody: a longer one used to be cut
// there, and is still not read back whole into memory.
const MaxCometBody = wire.DefaultMaxBody

// TooLongForComet reports whether m's bytes are left in the capture and
// its body is longer than MaxCometBody, so it is not read back to be
// decoded as COMET.
func TooLongForComet(m *session.Message) bool {
	return m.Raw == nil && m.Ref != nil && m.BodyLen > MaxCometBody
}

// startsJSON is looksJSON for a message whose bytes are not in memory: it
// reads only the start of the body (after a chunk-size line), so that a
// long body that cannot be COMET is not read back at all.
func startsJSON(m *session.Message) bool {
	if m.Raw != nil || m.Ref == nil {
		return true // looksJSON decides
	}
	size := min(m.Ref.Len-int64(m.HeadLen), 512)
	if size <= 0 {
		return false
	}
	b := make([]byte, size)
	n, _ := m.Ref.R.ReadAt(b, m.Ref.Off+int64(m.HeadLen))
	b = b[:n]
	if m.Chunked {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		b = b[i+1:]
	}
	return looksJSON(b)
}

func decodeBody(m *session.Message) (comet.Decoded, bool) {
	if m == nil || m.BodyLen == 0 || m.Truncated || TooLongForComet(m) || !startsJSON(m) {
		return comet.Decoded{}, false
	}
	body, err := m.Body()
	if err != nil || !looksJSON(body) {
		return comet.Decoded{}, false
	}
	d, err := comet.Decode(body)
	if err != nil || !d.OK {
		return comet.Decoded{}, false
	}
	return d, len(d.Events)+len(d.Replies) > 0
}

// requestDone looks for COMET replies in a forward request body and notes
// them on carrier, which the caller has not published yet. Called with c.mu held.
func (b *CometBook) requestDone(c *Conn, carrier *session.Exchange) {
	d, ok := decodeBody(carrier.Request)
	if !ok || len(d.Replies) == 0 {
		return
	}
	host := ClientHost(c.sess.Client)
	var carried []string
	for _, r := range d.Replies {
		resp := r.Response()
		resp.First, resp.Last = carrier.Request.First, carrier.Request.Last
		b.mu.Lock()
		k := cometKey{host, r.MessageID}
		ev, found := b.take(k)
		b.mu.Unlock()
		if !found {
			c.hintOn(carrier, session.HintUnknownMessageID, "COMET reply with unknown message-id "+r.MessageID)
			continue
		}
		cp := *ev
		cp.Response = resp
		cp.Carriers = append(slices.Clone(ev.Carriers), carrier.ID)
		b.rec.PutExchange(&cp)
		carried = append(carried, cp.ID)
	}
	b.markCarrier(c, carrier, carried)
}

// responseDone looks for COMET events in a forward response body and notes
// them on carrier, which the caller has not published yet. Called with c.mu held.
func (b *CometBook) responseDone(c *Conn, carrier *session.Exchange) {
	d, ok := decodeBody(carrier.Response)
	if !ok || len(d.Events) == 0 {
		return
	}
	host := ClientHost(c.sess.Client)
	var carried []string
	for _, e := range d.Events {
		req := e.Request()
		req.First, req.Last = carrier.Response.First, carrier.Response.Last
		ex := c.newExchange(session.FromUpstream)
		ex.Transport, ex.Request, ex.MessageID, ex.Carriers = session.COMET, req, e.MessageID, []string{carrier.ID}
		b.mu.Lock()
		k := cometKey{host, e.MessageID}
		if of, ok := b.injected[k]; ok {
			ex.Injected, ex.ReplayOf = true, of
		}
		stale := b.add(k, ex)
		b.mu.Unlock()
		for _, old := range stale {
			cp := *old
			cp.Error = "replaced by a later poll's event with message-id " + e.MessageID + " before any reply"
			b.rec.PutExchange(&cp)
		}
		b.rec.PutExchange(ex)
		carried = append(carried, ex.ID)
	}
	b.markCarrier(c, carrier, carried)
}

// maxOpenPerID bounds the events kept awaiting a reply under one
// message-id; past it the oldest stays pending for good.
const maxOpenPerID = 64

// add queues ev under k. Events that share a message-id within one poll
// answer wait in order; an event from a later poll replaces any older ones
// still open under its id (a client that reconnected starts its ids again,
// so those will never be answered), which add returns for the caller to
// mark. Called with b.mu held.
func (b *CometBook) add(k cometKey, ev *session.Exchange) (stale []*session.Exchange) {
	q := b.open[k]
	if n := len(q); n > 0 && !slices.Equal(q[n-1].Carriers, ev.Carriers) {
		stale, q = q, nil
	}
	q = append(q, ev)
	if len(q) > maxOpenPerID {
		q = slices.Delete(q, 0, 1)
	}
	b.open[k] = q
	return stale
}

// take removes the oldest event queued under k: a reply answers the first
// event of one poll with its message-id that is still open, as HTTP answers
// requests in order. Called with b.mu held.
func (b *CometBook) take(k cometKey) (*session.Exchange, bool) {
	q := b.open[k]
	if len(q) == 0 {
		return nil, false
	}
	if len(q) == 1 {
		delete(b.open, k)
		delete(b.injected, k)
	} else {
		b.open[k] = q[1:]
	}
	return q[0], true
}

func (b *CometBook) markCarrier(c *Conn, carrier *session.Exchange, carried []string) {
	if len(carried) > 0 {
		carrier.Carries = append(slices.Clone(carrier.Carries), carried...)
	}
	if c.sess.State == session.StateHTTP {
		c.sess.State = session.StateComet
		c.publishSession()
	}
}

// ClientHost returns the host part of a client address: COMET polls from
// the same host pair across connections, and reconnecting clients are
// recognised by it.
func ClientHost(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}
