package dissect

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

func sessionOf(m *memory) *session.Session {
	for _, s := range m.sessions {
		return s
	}
	return nil
}

func hintCodes(s *session.Session) string {
	var out []string
	for _, h := range s.Hints {
		out = append(out, h.Code)
	}
	return strings.Join(out, " ")
}

// TestPlaybookAnswererBreaks: when the side that answers sends bytes that
// do not parse, the other side's requests are still recorded, each saying
// why it has no response.
func TestPlaybookAnswererBreaks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []any
		want  string
	}{{
		name: "the PTTH client answers garbage",
		steps: []any{
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /r1 HTTP/1.1\n\n",
			cl, "\x00\x01garbage\n",
			up, "GET /r2 HTTP/1.1\n\nGET /r3 HTTP/1.1\n\n",
		},
		want: "forward POST /reverse → HTTP/1.1 101 Switching Protocols\n" +
			"reverse GET /r1 (no response can be read: the client's bytes are unparsed from offset 66)\n" +
			"reverse GET /r2 (no response can be read: the client's bytes are unparsed from offset 66)\n" +
			"reverse GET /r3 (no response can be read: the client's bytes are unparsed from offset 66)",
	}, {
		name: "the upstream answers garbage",
		steps: []any{
			cl, "GET /1 HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nContent-Length: 0\n\nnonsense\n",
			cl, "GET /2 HTTP/1.1\n\n",
		},
		want: "forward GET /1 → HTTP/1.1 200 OK\n" +
			"forward GET /2 (no response can be read: the upstream's bytes are unparsed from offset 38)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{1, 1 << 20} {
				m := playClosed(t, size, tc.steps...)
				// What the parser says about the bytes depends on how they came.
				got := regexp.MustCompile(`(unparsed from offset \d+) \(\w+\): [^\n]*\)`).ReplaceAllString(rows(m), "$1)")
				if got != tc.want {
					t.Fatalf("pieces of %d bytes:\n%s\nwant\n%s", size, got, tc.want)
				}
				if s := sessionOf(m); !strings.HasPrefix(s.Error, "unparsed from offset") || hintCodes(s) != "unparsed" {
					t.Fatalf("session error %q hints %q", s.Error, hintCodes(s))
				}
			}
		})
	}
}

// TestPlaybookBytesAfterClose: any byte after Connection: close is hinted,
// whether it makes a message, a message cut short or nothing that parses.
func TestPlaybookBytesAfterClose(t *testing.T) {
	for name, steps := range map[string][]any{
		"a response cut short": {
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /r1 HTTP/1.1\n\n",
			cl, "HTTP/1.1 200 OK\nConnection: close\nContent-Length: 0\n\nHTTP/1.1 200 OK\nContent-Le",
		},
		"a line that does not parse": {
			cl, "GET /1 HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nConnection: close\nContent-Length: 0\n\njunk line\n\n",
		},
		"a request cut short": {
			cl, "GET /1 HTTP/1.1\nConnection: close\n\ngarbage-after-close",
			up, "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
		},
	} {
		m := playClosed(t, 3, steps...)
		if h := hintCodes(sessionOf(m)); !strings.Contains(h, "bytes-after-close") {
			t.Errorf("%s: hints %q, want bytes-after-close", name, h)
		}
	}
	// The response cut short is still shown.
	m := playClosed(t, 3, cl, "GET /1 HTTP/1.1\n\n", up, "HTTP/1.1 200 OK\nConnection: close\nContent-Length: 0\n\nHTTP/1.1 204 No")
	if got := rows(m); !strings.HasSuffix(got, "forward → HTTP/1.1 204 No (response cut short: closed before the end of the head: start line cut short; no request was waiting for it)") {
		t.Errorf("rows:\n%s", got)
	}
}

// TestPlaybookBareLFFraming: head or chunk lines ended in LF alone are
// hinted once per kind, on the first exchange that shows them.
func TestPlaybookBareLFFraming(t *testing.T) {
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	feed := func(side session.Side, s string) { c.Feed(side, []byte(s), time.Unix(1, 0)) }
	feed(cl, "GET /a HTTP/1.1\r\n\r\n")
	feed(up, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n") // chunk lines in LF
	feed(cl, "GET /b HTTP/1.1\r\n\r\n")
	feed(up, "HTTP/1.1 200 OK\nContent-Length: 0\n\n")
	c.End(time.Unix(2, 0), "")
	if got := rows(m); got != "forward GET /a → HTTP/1.1 200 OK [bare-lf]\nforward GET /b → HTTP/1.1 200 OK" {
		t.Fatalf("rows:\n%s", got)
	}
	if body, _ := m.exchanges[0].Response.Body(); string(body) != "hello" {
		t.Fatalf("body %q", body)
	}
	if h := hintCodes(sessionOf(m)); h != "bare-lf" {
		t.Fatalf("session hints %q", h)
	}
}

// TestPlaybookGarbageAfterCloseIsOnlyHinted: bytes after Connection: close
// that do not even make a status line are hinted, not made an exchange.
func TestPlaybookGarbageAfterCloseIsOnlyHinted(t *testing.T) {
	m := playClosed(t, 3,
		cl, "GET /1 HTTP/1.1\n\n",
		up, "HTTP/1.1 200 OK\nConnection: close\nContent-Length: 0\n\nEXTRA data")
	if got := rows(m); got != "forward GET /1 → HTTP/1.1 200 OK" {
		t.Fatalf("rows:\n%s", got)
	}
	if h := hintCodes(sessionOf(m)); !strings.Contains(h, "bytes-after-close") {
		t.Fatalf("hints %q", h)
	}
}
