package edit

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// capture builds the message a dissector would record for raw: head fields
// split at LF (a CR before it dropped), values trimmed, chunked framing
// noticed, HeadLen up to the end of the empty line.
func capture(t *testing.T, raw string) *session.Message {
	t.Helper()
	m := &session.Message{Raw: []byte(raw)}
	rest := raw
	first := true
	for {
		line, after, ok := strings.Cut(rest, "\n")
		if !ok {
			t.Fatalf("no empty line in %q", raw)
		}
		m.HeadLen += len(line) + 1
		rest = after
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		if first {
			f := strings.SplitN(line, " ", 3)
			if strings.HasPrefix(f[0], "HTTP/") {
				m.Proto, m.Reason = f[0], f[2]
				m.Status, _ = strconv.Atoi(f[1])
			} else {
				m.Method, m.Target, m.Proto = f[0], f[1], f[2]
			}
			first = false
			continue
		}
		n, v, _ := strings.Cut(line, ":")
		m.Headers = append(m.Headers, session.Header{Name: n, Value: strings.Trim(v, " \t")})
	}
	m.Chunked = strings.EqualFold(m.Header("Transfer-Encoding"), "chunked")
	b, err := m.Body()
	if err != nil {
		t.Fatalf("body of %q: %v", raw, err)
	}
	m.BodyLen = int64(len(b))
	return m
}

// transcriptRequests returns the requests one side sent in a shared
// transcript, as wire bytes: head lines end in CRLF, body line ends (LF or
// CRLF, none after the last line) are chosen so the body has exactly its
// Content-Length. It skips the test when shared/ is not beside the repo.
func transcriptRequests(t *testing.T, name, marker string) []string {
	t.Helper()
	data, err := os.ReadFile("../../proxy/testdata/" + name)
	if err != nil {
		t.Skipf("transcript not available: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if s, ok := strings.CutPrefix(l, marker); ok {
			lines = append(lines, s)
		}
	}
	var out []string
	for i := 0; i < len(lines); {
		if lines[i] == "" {
			i++
			continue
		}
		var head strings.Builder
		cl := 0
		for ; i < len(lines) && lines[i] != ""; i++ {
			head.WriteString(lines[i] + "\r\n")
			if n, v, _ := strings.Cut(lines[i], ":"); strings.EqualFold(n, "Content-Length") {
				cl, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		head.WriteString("\r\n")
		i++
		body, n := "", 0
		if cl > 0 {
			body, n = bodyOf(lines[i:], cl)
		}
		i += n
		if cl > 0 && body == "" {
			t.Fatalf("%s: no body of %d bytes after %q", name, cl, head.String())
		}
		if !strings.HasPrefix(head.String(), "HTTP/") {
			out = append(out, head.String()+body)
		}
	}
	return out
}

// bodyOf joins the fewest lines that make exactly n bytes, trying LF line
// ends before CRLF, and says how many lines it took.
func bodyOf(lines []string, n int) (string, int) {
	for _, eol := range []string{"\n", "\r\n"} {
		for k := 1; k <= len(lines); k++ {
			s := strings.Join(lines[:k], eol)
			if len(s) == n {
				return s, k
			}
			if len(s)+len(eol) == n {
				return s + eol, k
			}
		}
	}
	return "", 0
}

// mustParse parses raw or stops the test.
func mustParse(t *testing.T, raw string) Request {
	t.Helper()
	r, err := Parse([]byte(raw))
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	return r
}

// headerNames lists the names of hs in order.
func headerNames(hs []session.Header) string {
	var b bytes.Buffer
	for i, h := range hs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(h.Name)
	}
	return b.String()
}
