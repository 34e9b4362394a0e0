package export

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ptth-inspector/session"
)

// Message returns a redacted copy of m: masked header values and secrets in
// the start line, headers, body and trailers. When the body changes length,
// Content-Length is fixed and a chunked body is re-framed as one chunk.
func (r *Redactor) Message(m *session.Message) (*session.Message, error) {
	if m == nil {
		return nil, nil
	}
	raw, err := m.Wire()
	if err != nil {
		return nil, err
	}
	out := *m
	out.Ref = nil
	out.Method, out.Target, out.Reason = r.Text(m.Method), r.Text(m.Target), r.Text(m.Reason)
	out.Headers = mapHeaders(m.Headers, r.Header)
	out.Trailers = mapHeaders(m.Trailers, r.Header)
	headLen := min(m.HeadLen, len(raw))
	body, berr := m.Body()
	newBody := []byte(r.Text(string(body)))
	bodyChanged := !bytes.Equal(newBody, body)
	head := r.head(raw[:headLen], bodyChanged && !m.Chunked && !m.Truncated, len(newBody))
	var rest []byte
	trailersChanged := !slices.Equal(out.Trailers, m.Trailers)
	switch {
	case m.Chunked && berr == nil && (bodyChanged || trailersChanged):
		rest = chunk(newBody, out.Trailers)
	case bodyChanged && !m.Chunked:
		rest = newBody
	default:
		rest = []byte(r.Text(string(raw[headLen:])))
	}
	out.Raw = append(head, rest...)
	out.HeadLen = len(head)
	if bodyChanged {
		out.BodyLen += int64(len(newBody) - len(body))
	}
	return &out, nil
}

func mapHeaders(hs []session.Header, f func(session.Header) session.Header) []session.Header {
	if hs == nil {
		return nil
	}
	out := make([]session.Header, len(hs))
	for i, h := range hs {
		out[i] = f(h)
	}
	return out
}

// head redacts a message head line by line, keeping each line's end; with
// fixLength it rewrites Content-Length to n.
func (r *Redactor) head(head []byte, fixLength bool, n int) []byte {
	var out []byte
	for i, line := range bytes.SplitAfter(head, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		body := trimLineEnd(line)
		end := line[len(body):]
		switch {
		case i == 0:
			out = append(out, r.Text(string(body))...)
		case fixLength && isHeader(body, "Content-Length"):
			out = append(out, "Content-Length: "+strconv.Itoa(n)...)
		default:
			out = append(out, r.Line(body)...)
		}
		out = append(out, end...)
	}
	return out
}

func isHeader(line []byte, name string) bool {
	n, _, ok := headerLine(line)
	return ok && strings.EqualFold(strings.TrimSpace(n), name)
}

// chunk frames body as one chunk followed by the last chunk and trailers.
func chunk(body []byte, trailers []session.Header) []byte {
	var b bytes.Buffer
	if len(body) > 0 {
		fmt.Fprintf(&b, "%x\r\n", len(body))
		b.Write(body)
		b.WriteString("\r\n")
	}
	b.WriteString("0\r\n")
	for _, t := range trailers {
		b.WriteString(t.Name + ": " + t.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// Exchange returns a redacted copy of e.
func (r *Redactor) Exchange(e *session.Exchange) (*session.Exchange, error) {
	out := *e
	var err error
	if out.Request, err = r.Message(e.Request); err != nil {
		return nil, fmt.Errorf("exchange %s request: %w", e.ID, err)
	}
	if out.Response, err = r.Message(e.Response); err != nil {
		return nil, fmt.Errorf("exchange %s response: %w", e.ID, err)
	}
	if out.Original, err = r.Message(e.Original); err != nil {
		return nil, fmt.Errorf("exchange %s original request: %w", e.ID, err)
	}
	out.Error = r.Text(e.Error)
	out.Hints = r.hints(e.Hints)
	return &out, nil
}

// Session returns a redacted copy of s (its error and hint texts).
func (r *Redactor) Session(s *session.Session) *session.Session {
	out := *s
	out.Error = r.Text(s.Error)
	out.Hints = r.hints(s.Hints)
	return &out
}

func (r *Redactor) hints(hs []session.Hint) []session.Hint {
	if hs == nil {
		return nil
	}
	out := slices.Clone(hs)
	for i := range out {
		out[i].Text = r.Text(out[i].Text)
	}
	return out
}

// Source learns src's secrets and returns src redacted: sessions and
// exchanges as above, raw bytes re-cut into lines and masked line by line.
// Redacted exchanges are held in memory.
func (r *Redactor) Source(src Source) (Source, error) { return r.source(src, nil, true) }

// source is Source telling warn of each message whose bytes are unreadable;
// without responses it leaves them out (for exports that write requests only).
func (r *Redactor) source(src Source, warn func(string), responses bool) (Source, error) {
	if err := r.Learn(src); err != nil {
		return nil, err
	}
	out := &redacted{src: src, r: r}
	for _, s := range src.Sessions() {
		out.sessions = append(out.sessions, r.Session(s))
	}
	err := eachReadable(src, warn, responses, func(e *session.Exchange) error {
		if !responses && e.Response != nil {
			cp := *e
			cp.Response = nil
			e = &cp
		}
		re, err := r.Exchange(e)
		if err != nil {
			return err
		}
		out.exchanges = append(out.exchanges, re)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type redacted struct {
	src       Source
	r         *Redactor
	sessions  []*session.Session
	exchanges []*session.Exchange
}

// Sessions returns the redacted sessions.
func (x *redacted) Sessions() []*session.Session { return slices.Clone(x.sessions) }

// Exchanges returns the redacted exchanges.
func (x *redacted) Exchanges() []*session.Exchange { return slices.Clone(x.exchanges) }

// Chunks re-cuts the raw bytes into lines and masks each.
func (x *redacted) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	cut := newLineCutter(func(sid string, side session.Side, t time.Time, line []byte) error {
		body := trimLineEnd(line)
		out := append(x.r.Line(body), line[len(body):]...)
		return fn(sid, side, t, out)
	})
	if err := x.src.Chunks(cut.feed); err != nil {
		return err
	}
	return cut.finish()
}
