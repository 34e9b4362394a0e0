package export

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"ptth-inspector/session"
)

// ReadHAR reads a HAR 1.2 file: entries with _ptth (written by WriteHAR) come
// back as the exchanges they were, forward or reversed; other entries (a
// browser's HAR) become forward HTTP exchanges, one session per connection
// (or per host). Errors name the field, e.g. "log.entries[4].request.url: …".
func ReadHAR(r io.Reader) (*Memory, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Log *HARLog `json:"log"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	if doc.Log == nil {
		return nil, errors.New("log: missing (not a HAR file)")
	}
	m := NewMemory()
	if p := doc.Log.PTTH; p != nil {
		for i, js := range p.Sessions {
			s, err := js.Session()
			if err != nil {
				return nil, fmt.Errorf("log._ptth.sessions[%d]%v", i, err)
			}
			m.PutSession(s)
		}
	}
	seqs := map[string]int{}
	for i := range doc.Log.Entries {
		e, err := harExchange(&doc.Log.Entries[i], i, m, seqs)
		if err != nil {
			return nil, fmt.Errorf("log.entries[%d].%v", i, err)
		}
		m.PutExchange(e)
	}
	return m, nil
}

// offset adds a HAR timing (ms, -1 for unknown) to t.
func offset(t time.Time, msec float64) time.Time {
	if msec <= 0 {
		return t
	}
	return t.Add(time.Duration(msec * float64(time.Millisecond)))
}

func harExchange(ent *HAREntry, i int, m *Memory, seqs map[string]int) (*session.Exchange, error) {
	start, err := time.Parse(time.RFC3339Nano, ent.StartedDateTime)
	if err != nil {
		return nil, fmt.Errorf("startedDateTime: %v", err)
	}
	p := ent.PTTH
	if p != nil && p.Started != nil {
		if start, err = time.Parse(time.RFC3339Nano, *p.Started); err != nil {
			return nil, fmt.Errorf("_ptth.started: %v", err)
		}
	}
	if p == nil {
		p = &HAREntryPTTH{Direction: "forward", Transport: "http", NoResponse: ent.Response.Status == 0}
	}
	e := &session.Exchange{ID: p.Exchange, Session: p.Session, Seq: p.Seq, MessageID: p.MessageID,
		Carriers: p.Carriers, Carries: p.Carries, ReplayOf: p.ReplayOf, Injected: p.Injected, Hints: modelHints(p.Hints), Error: p.Error}
	if e.Direction, err = parseEnum[session.Direction](p.Direction, directionNames); err != nil {
		return nil, fmt.Errorf("_ptth.direction: %v", err)
	}
	if e.Transport, err = parseEnum[session.Transport](p.Transport, transportNames); err != nil {
		return nil, fmt.Errorf("_ptth.transport: %v", err)
	}
	if e.Original, err = p.Original.Message(); err != nil {
		return nil, fmt.Errorf("_ptth.original_request%v", err)
	}
	u, err := url.Parse(ent.Request.URL)
	if err != nil || (u.Host == "" && !p.NoRequest) {
		return nil, fmt.Errorf("request.url: %q is not an absolute URL", ent.Request.URL)
	}
	if e.ID == "" {
		e.ID = fmt.Sprintf("har-%d", i+1)
	}
	if e.Session == "" {
		e.Session = "har-" + ent.Connection
		if ent.Connection == "" {
			e.Session = "har-" + u.Host
		}
	}
	t := ent.Timings
	reqFirst := offset(offset(offset(start, t.Blocked), t.DNS), t.Connect)
	reqLast := offset(reqFirst, t.Send)
	if !p.NoRequest {
		target := p.Target
		if target == "" {
			target = u.RequestURI()
		}
		if e.Request, err = harRequestMessage(&ent.Request, target); err != nil {
			return nil, fmt.Errorf("request.%v", err)
		}
		e.Request.First, e.Request.Last = reqFirst, reqLast
	}
	if !p.NoResponse {
		if e.Response, err = harResponseMessage(&ent.Response); err != nil {
			return nil, fmt.Errorf("response.%v", err)
		}
		e.Response.First = offset(reqLast, t.Wait)
		e.Response.Last = offset(e.Response.First, t.Receive)
	} else if ent.PTTH == nil && e.Error == "" {
		e.Error = "no response in the HAR"
	}
	if ent.PTTH == nil {
		seqs[e.Session]++
		e.Seq = seqs[e.Session]
		noteSession(m, e, u)
	}
	if m.Session(e.Session) == nil {
		m.PutSession(&session.Session{ID: e.Session, Started: start})
	}
	return e, nil
}

// noteSession creates or widens the session of a foreign HAR entry.
func noteSession(m *Memory, e *session.Exchange, u *url.URL) {
	s := m.Session(e.Session)
	if s == nil {
		host := u.Host
		if u.Port() == "" {
			port := "80"
			if u.Scheme == "https" {
				port = "443"
			}
			host = net.JoinHostPort(u.Hostname(), port)
		}
		s = &session.Session{ID: e.Session, Upstream: host, Started: e.Started()}
	}
	cp := *s
	for _, msg := range []*session.Message{e.Request, e.Response} {
		if msg != nil && msg.Last.After(cp.Ended) {
			cp.Ended = msg.Last
		}
	}
	m.PutSession(&cp)
}

func harBody(text, encoding, field string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("%s: bad base64: %v", field, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: unknown encoding %q", field, encoding)
}

func harModelHeaders(hs []HARNV) []session.Header {
	var out []session.Header
	for _, h := range hs {
		if strings.HasPrefix(h.Name, ":") { // HTTP/2 pseudo-headers are not header fields
			continue
		}
		out = append(out, session.Header{Name: h.Name, Value: h.Value})
	}
	return out
}

func harProto(v string) string {
	if v == "" {
		return "HTTP/1.1"
	}
	return v
}

func harRequestMessage(r *HARRequest, target string) (*session.Message, error) {
	if r.Method == "" {
		return nil, errors.New("method: missing")
	}
	m := &session.Message{Method: r.Method, Target: target, Proto: harProto(r.HTTPVersion), Headers: harModelHeaders(r.Headers)}
	var body []byte
	if r.PostData != nil {
		var err error
		if body, err = harBody(r.PostData.Text, r.PostData.Encoding, "postData.text"); err != nil {
			return nil, err
		}
	}
	BuildRaw(m, body)
	return m, nil
}

func harResponseMessage(r *HARResponse) (*session.Message, error) {
	if r.Status < 100 || r.Status > 999 {
		return nil, fmt.Errorf("status: %d is not an HTTP status", r.Status)
	}
	m := &session.Message{Proto: harProto(r.HTTPVersion), Status: r.Status, Reason: r.StatusText, Headers: harModelHeaders(r.Headers)}
	body, err := harBody(r.Content.Text, r.Content.Encoding, "content.text")
	if err != nil {
		return nil, err
	}
	BuildRaw(m, body)
	return m, nil
}
