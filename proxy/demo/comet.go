package demo

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// CometClientHeader names the header a COMET client uses to identify itself
// across polls and TCP connections; without it the peer address is used.
const CometClientHeader = "X-Comet-Client"

// maxCometClients bounds how many COMET clients a Server tracks.
const maxCometClients = 1024

// maxPending bounds how many unanswered events a Server keeps per client.
const maxPending = 1024

// Event is one reversed request carried as JSON in the COMET fallback.
type Event struct {
	MessageID   string      `json:"message-id"`
	Method      string      `json:"method"`
	RequestURI  string      `json:"request-uri"`
	HTTPVersion string      `json:"http-version"`
	Headers     [][2]string `json:"headers"`
	Body        string      `json:"body"`
}

// Reply is a COMET client's JSON answer to the Event with the same MessageID.
type Reply struct {
	MessageID   string      `json:"message-id"`
	HTTPVersion string      `json:"http-version"`
	Status      int         `json:"status"`
	Reason      string      `json:"reason"`
	Headers     [][2]string `json:"headers"`
	Body        string      `json:"body"`
}

// cometState is the Server's outgoing queue for one COMET client.
type cometState struct {
	seq     int       // events sent so far
	next    time.Time // when the next event is due
	pending map[string]pendingEvent
}

// pendingEvent is an event sent and not yet answered.
type pendingEvent struct {
	ev   Event
	kind string
}

// jsonHeader is the header of every COMET answer with a body.
var jsonHeader = [][2]string{{"Content-Type", "application/json"}}

// handleComet answers a POST without upgrade: a JSON reply (or array of
// replies) is recorded and acknowledged with {}; anything else is a poll,
// answered with the next event or 204 after PollWait.
func (s *Server) handleComet(req *http.Request, body []byte, peer string) (int, [][2]string, []byte) {
	id := req.Header.Get(CometClientHeader)
	if id == "" {
		id = peer
	}
	if replies := parseReplies(body); len(replies) > 0 {
		for _, r := range replies {
			s.pairReply(id, r)
		}
		return http.StatusOK, jsonHeader, []byte("{}")
	}
	ev, ok := s.nextEvent(id, peer)
	if !ok {
		return http.StatusNoContent, nil, nil
	}
	return http.StatusOK, jsonHeader, marshalJSON(ev)
}

// parseReplies decodes body as one reply object or an array of them; it
// returns nil unless every object has "message-id" and "status".
func parseReplies(body []byte) []Reply {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	var raws []json.RawMessage
	if body[0] == '[' {
		if json.Unmarshal(body, &raws) != nil {
			return nil
		}
	} else {
		raws = []json.RawMessage{body}
	}
	var out []Reply
	for _, raw := range raws {
		var keys map[string]json.RawMessage
		if json.Unmarshal(raw, &keys) != nil || keys["message-id"] == nil || keys["status"] == nil {
			return nil
		}
		var r Reply
		if json.Unmarshal(raw, &r) != nil {
			return nil
		}
		out = append(out, r)
	}
	return out
}

// pairReply records r together with the event it answers.
func (s *Server) pairReply(id string, r Reply) {
	s.mu.Lock()
	var p pendingEvent
	found := false
	if st := s.comet[id]; st != nil {
		p, found = st.pending[r.MessageID]
		delete(st.pending, r.MessageID)
	}
	s.mu.Unlock()
	e := Exchange{Via: "comet", Client: id, MessageID: r.MessageID, Kind: p.kind,
		Method: p.ev.Method, URI: p.ev.RequestURI, Status: r.Status, Body: r.Body}
	if !found {
		e.Err = errors.New("demo: reply to unknown message-id " + strconv.Quote(r.MessageID))
	}
	s.record(e)
}

// nextEvent takes the next event for client id, waiting up to PollWait for
// one to be due; it reports false when nothing came (answer 204).
func (s *Server) nextEvent(id, peer string) (Event, bool) {
	wait := s.opts.PollWait
	if wait <= 0 {
		wait = DefaultPollWait
	}
	deadline := time.Now().Add(wait)
	for {
		s.mu.Lock()
		st := s.cometClient(id)
		now := time.Now()
		done := s.opts.Count > 0 && st.seq >= s.opts.Count
		if !done && !now.Before(st.next) {
			kind := cometKinds[st.seq%len(cometKinds)]
			st.seq++
			st.next = now.Add(s.interval())
			r := buildRequest(kind, st.seq, 1, peer, "")
			ev := Event{MessageID: newUUID(), Method: r.method, RequestURI: r.uri,
				HTTPVersion: "PTTH/1.0", Headers: r.header, Body: string(r.body)}
			if len(st.pending) >= maxPending {
				clear(st.pending)
			}
			st.pending[ev.MessageID] = pendingEvent{ev: ev, kind: kind}
			s.mu.Unlock()
			s.log.Debug("comet event", "client", id, "id", ev.MessageID, "method", ev.Method, "uri", ev.RequestURI)
			return ev, true
		}
		wake := deadline
		if !done && st.next.Before(wake) {
			wake = st.next
		}
		s.mu.Unlock()
		if !now.Before(deadline) || !sleepCtx(s.ctx, wake.Sub(now)) {
			return Event{}, false
		}
	}
}

// cometClient returns the state for id, creating it; s.mu must be held.
func (s *Server) cometClient(id string) *cometState {
	st := s.comet[id]
	if st == nil {
		if len(s.comet) >= maxCometClients {
			clear(s.comet)
		}
		st = &cometState{pending: make(map[string]pendingEvent)}
		s.comet[id] = st
	}
	return st
}

// marshalJSON encodes v as strict JSON without HTML escaping or a trailing newline.
func marshalJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("demo: " + err.Error())
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}
