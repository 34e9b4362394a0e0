package diff

import (
	"strconv"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// msg builds a message from wire bytes with CRLF line ends, the way the
// dissector would: start line, headers, HeadLen and chunked framing.
func msg(t *testing.T, raw string) *session.Message {
	t.Helper()
	head, _, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatalf("no end of head in %q", raw)
	}
	lines := strings.Split(head, "\r\n")
	m := &session.Message{Raw: []byte(raw), HeadLen: len(head) + 4}
	f := strings.SplitN(lines[0], " ", 3)
	if strings.HasPrefix(f[0], "HTTP/") {
		m.Proto = f[0]
		m.Status, _ = strconv.Atoi(f[1])
		if len(f) > 2 {
			m.Reason = f[2]
		}
	} else {
		m.Method, m.Target, m.Proto = f[0], f[1], f[2]
	}
	for _, l := range lines[1:] {
		n, v, _ := strings.Cut(l, ":")
		m.Headers = append(m.Headers, session.Header{Name: n, Value: strings.TrimSpace(v)})
	}
	m.Chunked = strings.EqualFold(m.Header("Transfer-Encoding"), "chunked")
	b, err := m.Body()
	if err != nil {
		t.Fatalf("body of %q: %v", raw, err)
	}
	m.BodyLen = int64(len(b))
	return m
}

// exch builds an exchange from a raw request and a raw response ("" for none).
func exch(t *testing.T, req, resp string) *session.Exchange {
	t.Helper()
	e := &session.Exchange{ID: "x", Request: msg(t, req)}
	if resp != "" {
		e.Response = msg(t, resp)
	}
	return e
}

// respWith returns a 200 response with the given extra header lines and body,
// framed with Content-Length.
func respWith(status string, headers []string, body string) string {
	var s strings.Builder
	s.WriteString("HTTP/1.1 " + status + "\r\n")
	for _, h := range headers {
		s.WriteString(h + "\r\n")
	}
	s.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	return s.String()
}

const getReq = "GET /status HTTP/1.1\r\nHost:\r\nAccept: */*\r\n\r\n"

// rebuild joins the lines of side a (Equal and Delete) or b (Equal and
// Insert) back into text.
func rebuild(lines []Line, b bool) string {
	var s strings.Builder
	skip := Insert
	if b {
		skip = Delete
	}
	for _, l := range lines {
		if l.Op == skip {
			continue
		}
		s.WriteString(l.Text)
		if !l.NoEOL {
			s.WriteByte('\n')
		}
	}
	return s.String()
}

// kinds lists "kind name" for each header line.
func kinds(ls []HeaderLine) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Kind.String()+" "+l.Name())
	}
	return out
}
