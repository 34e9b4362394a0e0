package export

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"time"
	"unicode/utf8"

	"ptth-inspector/session"
)

// JSONVersion is the version field of the JSON export.
const JSONVersion = 1

// Document is the JSON export: {"version":1,"sessions":[…],"exchanges":[…],"chunks":[…]}.
type Document struct {
	Version   int            `json:"version"`
	Sessions  []JSONSession  `json:"sessions"`
	Exchanges []JSONExchange `json:"exchanges"`
	Chunks    []JSONChunk    `json:"chunks,omitempty"`
}

// JSONSession is one session in the JSON export.
type JSONSession struct {
	ID       string     `json:"id"`
	Client   string     `json:"client"`
	Upstream string     `json:"upstream"`
	State    string     `json:"state"` // http, ptth-flipped, comet or opaque
	Started  *string    `json:"started"`
	Ended    *string    `json:"ended"` // null while the connection was open
	Flip     *JSONFlip  `json:"flip"`
	Hints    []JSONHint `json:"hints"`
	Error    string     `json:"error"`
}

// JSONFlip is where a session's roles flipped.
type JSONFlip struct {
	At       *string `json:"at"`
	Token    string  `json:"token"`
	Exchange string  `json:"exchange"`
	Offset   int64   `json:"offset"`
}

// JSONHint is a PTTH conformance note.
type JSONHint struct {
	Code     string `json:"code"`
	Text     string `json:"text"`
	Exchange string `json:"exchange,omitempty"`
}

// JSONExchange is one exchange in the JSON export.
type JSONExchange struct {
	ID        string       `json:"id"`
	Session   string       `json:"session"`
	Seq       int          `json:"seq"`
	Direction string       `json:"direction"` // forward or reverse
	Transport string       `json:"transport"` // http, ptth or comet
	Request   *JSONMessage `json:"request"`
	Response  *JSONMessage `json:"response"`
	// Original is the request as its sender sent it when it was edited at a
	// breakpoint (request is what went on); absent otherwise.
	Original   *JSONMessage `json:"original_request,omitempty"`
	Started    *string      `json:"started"`     // the request's first byte; derived, ignored on import
	DurationMS *float64     `json:"duration_ms"` // request's first byte to the last of either message; derived
	Error      string       `json:"error"`
	MessageID  string       `json:"message_id"`
	Carriers   []string     `json:"carriers"`
	Carries    []string     `json:"carries"`
	ReplayOf   string       `json:"replay_of"`
	Injected   bool         `json:"injected"` // sent by the inspector itself
	Hints      []JSONHint   `json:"hints"`
}

// JSONMessage is a request (method, target) or a response (status, reason).
// raw, head_len, chunked, body_len and truncated make the export lossless;
// body (or bodyBase64 when not UTF-8) is the payload without chunked framing.
type JSONMessage struct {
	Method     string      `json:"method,omitempty"`
	Target     string      `json:"target,omitempty"`
	Proto      string      `json:"proto"`
	Status     int         `json:"status,omitempty"`
	Reason     string      `json:"reason,omitempty"`
	Headers    [][2]string `json:"headers"`
	Trailers   [][2]string `json:"trailers,omitempty"`
	Body       *string     `json:"body,omitempty"`
	BodyBase64 *string     `json:"bodyBase64,omitempty"`
	Raw        []byte      `json:"raw"`
	HeadLen    int         `json:"head_len"`
	Chunked    bool        `json:"chunked"`
	BodyLen    int64       `json:"body_len"`
	Truncated  bool        `json:"truncated"`
	First      *string     `json:"first"` // when its first byte crossed the relay
	Last       *string     `json:"last"`  // when its last byte crossed the relay
}

// JSONChunk is one run of raw bytes as it crossed the relay.
type JSONChunk struct {
	Session string  `json:"session"`
	Side    string  `json:"side"` // client or upstream
	T       *string `json:"t"`
	Data    []byte  `json:"data"` // base64
}

// JSONOptions tune the JSON export.
type JSONOptions struct {
	NoChunks bool // leave out the raw byte stream ("chunks")
}

func ts(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := FormatTime(t)
	return &s
}

func jsonHints(hs []session.Hint) []JSONHint {
	out := make([]JSONHint, 0, len(hs))
	for _, h := range hs {
		out = append(out, JSONHint{h.Code, h.Text, h.Exchange})
	}
	return out
}

func jsonHeaders(hs []session.Header) [][2]string {
	out := make([][2]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, [2]string{h.Name, h.Value})
	}
	return out
}

// SessionJSON converts a session for the JSON export.
func SessionJSON(s *session.Session) JSONSession {
	j := JSONSession{ID: s.ID, Client: s.Client, Upstream: s.Upstream, State: s.State.String(),
		Started: ts(s.Started), Ended: ts(s.Ended), Hints: jsonHints(s.Hints), Error: s.Error}
	if s.Flip != nil {
		j.Flip = &JSONFlip{ts(s.Flip.At), s.Flip.Token, s.Flip.Exchange, s.Flip.Offset}
	}
	return j
}

// MessageJSON converts a message for the JSON export.
func MessageJSON(m *session.Message) (*JSONMessage, error) {
	if m == nil {
		return nil, nil
	}
	raw, err := m.Wire()
	if err != nil {
		return nil, err
	}
	j := &JSONMessage{Method: m.Method, Target: m.Target, Proto: m.Proto, Status: m.Status, Reason: m.Reason,
		Headers: jsonHeaders(m.Headers), Raw: raw, HeadLen: m.HeadLen, Chunked: m.Chunked,
		BodyLen: m.BodyLen, Truncated: m.Truncated, First: ts(m.First), Last: ts(m.Last)}
	if len(m.Trailers) > 0 {
		j.Trailers = jsonHeaders(m.Trailers)
	}
	body, _ := m.Body() // a broken chunked body still gives what decoded
	if utf8.Valid(body) {
		s := string(body)
		j.Body = &s
	} else {
		s := base64.StdEncoding.EncodeToString(body)
		j.BodyBase64 = &s
	}
	return j, nil
}

// ExchangeJSON converts an exchange for the JSON export.
func ExchangeJSON(e *session.Exchange) (JSONExchange, error) {
	j := JSONExchange{ID: e.ID, Session: e.Session, Seq: e.Seq, Direction: e.Direction.String(),
		Transport: e.Transport.String(), Error: e.Error, MessageID: e.MessageID,
		Carriers: nonNil(e.Carriers), Carries: nonNil(e.Carries), ReplayOf: e.ReplayOf, Injected: e.Injected,
		Hints: jsonHints(e.Hints)}
	var err error
	if j.Request, err = MessageJSON(e.Request); err != nil {
		return j, err
	}
	if j.Response, err = MessageJSON(e.Response); err != nil {
		return j, err
	}
	if j.Original, err = MessageJSON(e.Original); err != nil {
		return j, err
	}
	j.Started = ts(e.Started())
	if e.Request != nil && e.Response != nil && !e.Request.First.IsZero() && !e.Response.Last.IsZero() {
		d := float64(e.Duration()) / float64(time.Millisecond)
		j.DurationMS = &d
	}
	return j, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteJSON writes src as one JSON document, one session, exchange or chunk
// per line. Exchanges and chunks are streamed, not held in memory.
func WriteJSON(w io.Writer, src Source, o JSONOptions) error { return writeJSON(w, src, o, nil) }

func writeJSON(w io.Writer, src Source, o JSONOptions, warn func(string)) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	list := newJSONList(bw, "", false)
	item := list.item
	bw.WriteString(`{"version":1,"sessions":[`)
	for _, s := range src.Sessions() {
		if err := item(SessionJSON(s)); err != nil {
			return err
		}
	}
	bw.WriteString("\n],\"exchanges\":[")
	list.n = 0
	err := eachReadable(src, warn, true, func(e *session.Exchange) error {
		j, err := ExchangeJSON(e)
		if err != nil {
			return err
		}
		return item(j)
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]")
	if !o.NoChunks {
		bw.WriteString(",\"chunks\":[")
		list.n = 0
		err := src.Chunks(func(id string, side session.Side, t time.Time, b []byte) error {
			return item(JSONChunk{Session: id, Side: sideName(side), T: ts(t), Data: b})
		})
		if err != nil {
			return err
		}
		bw.WriteString("\n]")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// jsonList writes the items of a JSON list one at a time: each encoded on
// its own, after a comma unless it is the list's first, a newline and lead.
type jsonList struct {
	bw   *bufio.Writer
	enc  *json.Encoder // writes into buf
	buf  bytes.Buffer
	lead string
	n    int // items written to the current list
}

// newJSONList returns a jsonList writing to bw: items compact, or with
// indented, spread over lines as the HAR export writes them, each line
// after lead. HTML is never escaped.
func newJSONList(bw *bufio.Writer, lead string, indented bool) *jsonList {
	l := &jsonList{bw: bw, lead: lead}
	if indented {
		l.enc = harEncoder(&l.buf, lead)
	} else {
		l.enc = json.NewEncoder(&l.buf)
		l.enc.SetEscapeHTML(false)
	}
	return l
}

// item writes v as the next item of the list.
func (l *jsonList) item(v any) error {
	l.buf.Reset()
	if err := l.enc.Encode(v); err != nil {
		return err
	}
	if l.n > 0 {
		l.bw.WriteByte(',')
	}
	l.n++
	l.bw.WriteString("\n" + l.lead)
	_, err := l.bw.Write(bytes.TrimSuffix(l.buf.Bytes(), []byte("\n")))
	return err
}

func sideName(s session.Side) string {
	if s == session.FromUpstream {
		return "upstream"
	}
	return "client"
}
