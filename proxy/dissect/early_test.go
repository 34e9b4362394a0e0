package dissect

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

// row writes an exchange as "dir method target → status [hint] (error)".
func row(e *session.Exchange) string {
	s := e.Direction.String()
	if e.Request != nil {
		s += " " + e.Request.Method + " " + e.Request.Target
		if b, _ := e.Request.Body(); len(b) > 0 {
			s += " " + string(b)
		}
	}
	if e.Response != nil {
		s += " → " + e.Response.StartLine()
	}
	for _, h := range e.Hints {
		s += " [" + h.Code + "]"
	}
	if e.Error != "" {
		s += " (" + e.Error + ")"
	}
	return s
}

func rows(m *memory) string {
	var out []string
	for _, e := range m.exchanges {
		out = append(out, row(e))
	}
	return strings.Join(out, "\n")
}

// playClosed is play where both sides close before the connection ends, as
// the relay reports them.
func playClosed(t *testing.T, size int, steps ...any) *memory {
	t.Helper()
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	feedSteps(c, size, steps...)
	c.Close(cl, time.Unix(99, 0))
	c.Close(up, time.Unix(99, 0))
	c.End(time.Unix(100, 0), "")
	return m
}

// TestPlaybookEarlyResponse: a final response that comes while its request
// is still arriving answers that request, not "a request never sent".
func TestPlaybookEarlyResponse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []any
		want  string
	}{{
		name: "413 mid-upload, then the rest of the body",
		steps: []any{
			cl, "POST /up HTTP/1.1\nContent-Length: 10\n\n0123",
			up, "HTTP/1.1 413 Payload Too Large\nContent-Length: 0\n\n",
			cl, "456789GET /next HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
		},
		want: "forward POST /up 0123456789 → HTTP/1.1 413 Payload Too Large [early-response]\nforward GET /next → HTTP/1.1 200 OK",
	}, {
		name: "401 before the body, and the client closes",
		steps: []any{
			cl, "PUT /x HTTP/1.1\nContent-Length: 100\n\nabc",
			up, "HTTP/1.1 401 Unauthorized\nConnection: close\nContent-Length: 0\n\n",
		},
		want: "forward PUT /x abc → HTTP/1.1 401 Unauthorized [early-response] (request cut short: closed before the end of the body: 3 of 100 bytes)",
	}, {
		name: "head not even complete",
		steps: []any{
			cl, "POST /big HTTP/1.1\nContent-Le",
			up, "HTTP/1.1 431 Request Header Fields Too Large\nContent-Length: 0\n\n",
			cl, "ngth: 2\n\nok",
		},
		want: "forward POST /big ok → HTTP/1.1 431 Request Header Fields Too Large [early-response]",
	}, {
		name: "reversed: the client answers while the upstream's POST arrives",
		steps: []any{
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nPOST /event HTTP/1.1\nContent-Length: 6\n\nab",
			cl, "HTTP/1.1 413 Payload Too Large\nContent-Length: 0\n\n",
			up, "cdef",
		},
		want: "forward POST /reverse → HTTP/1.1 101 Switching Protocols\nreverse POST /event abcdef → HTTP/1.1 413 Payload Too Large [early-response]",
	}, {
		name: "101 before the upgrade request's body ends: the client finishes it, then answers",
		steps: []any{
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 4\n\nab",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /rev HTTP/1.1\n\n",
			cl, "cdHTTP/1.1 200 OK\nContent-Length: 2\n\nok",
			up, "GET /second HTTP/1.1\n\n",
			cl, "HTTP/1.1 404 Not Found\nContent-Length: 0\n\n",
		},
		want: "forward POST /reverse abcd → HTTP/1.1 101 Switching Protocols [early-response]\n" +
			"reverse GET /rev → HTTP/1.1 200 OK\nreverse GET /second → HTTP/1.1 404 Not Found",
	}, {
		name: "101 before the upgrade request's body ends, and the client closes",
		steps: []any{
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nContent-Length: 9\n\nab",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /rev HTTP/1.1\n\n",
		},
		want: "forward POST /reverse ab → HTTP/1.1 101 Switching Protocols [early-response] [no-connection-upgrade] " +
			"(request cut short: closed before the end of the body: 2 of 9 bytes)\n" +
			"reverse GET /rev (connection closed before the response)",
	}, {
		name: "a 401 naming PTTH in Upgrade before the offer's body ends refuses it: no flip",
		steps: []any{
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 4\n\nab",
			up, "HTTP/1.1 401 Unauthorized\nUpgrade: PTTH/1.0\nContent-Length: 0\n\n",
			cl, "cdGET /next HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
		},
		want: "forward POST /reverse abcd → HTTP/1.1 401 Unauthorized [early-response]\nforward GET /next → HTTP/1.1 200 OK",
	}, {
		name: "a second answer to one request answers nothing",
		steps: []any{
			cl, "POST /1 HTTP/1.1\nContent-Length: 10\n\n01234",
			up, "HTTP/1.1 413 Payload Too Large\nContent-Length: 5\n\nfirstHTTP/1.1 500 Internal Server Error\nContent-Length: 6\n\nsecond",
			cl, "56789GET /2 HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nContent-Length: 3\n\ntwo",
		},
		want: "forward POST /1 0123456789 → HTTP/1.1 413 Payload Too Large [early-response]\n" +
			"forward → HTTP/1.1 500 Internal Server Error [unsolicited-response] (response to a request never sent)\n" +
			"forward GET /2 → HTTP/1.1 200 OK",
	}, {
		name: "nothing begun: still a response to a request never sent",
		steps: []any{
			cl, "GET /a HTTP/1.1\n\n",
			up, "HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 200 OK\nContent-Length: 0\n\n",
		},
		want: "forward GET /a → HTTP/1.1 200 OK\nforward → HTTP/1.1 200 OK [unsolicited-response] (response to a request never sent)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{1, 7, 1 << 20} {
				m := playClosed(t, size, tc.steps...)
				if got := rows(m); got != tc.want {
					t.Fatalf("pieces of %d bytes:\n%s\nwant\n%s", size, got, tc.want)
				}
			}
		})
	}
}

// switchEarlyConn is a connection whose upstream answered the client's PTTH
// offer with a 101 while the offer's body was still arriving ("ab" of 4
// bytes), then sent GET /rev in the same read; it returns the segments of
// that read.
func switchEarlyConn(t *testing.T) (*Conn, *memory, []Segment) {
	t.Helper()
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	c.FeedSegments(cl, crlf("POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 4\n\nab"), time.Unix(1, 0))
	segs := c.FeedSegments(up, crlf("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /rev HTTP/1.1\n\n"), time.Unix(2, 0))
	if !c.Flipped() {
		t.Fatal("the early 101 did not flip the session")
	}
	return c, m, segs
}

// The early 101 is a segment of its own (a breakpoint on GET /rev must
// not hold the 101 back, nor show it in the paused request).
func TestEarly101IsASegmentOfItsOwn(t *testing.T) {
	_, _, segs := switchEarlyConn(t)
	if len(segs) != 2 || segs[0].Request != nil || !strings.HasPrefix(string(segs[0].Data), "HTTP/1.1 101") ||
		segs[1].Request == nil || string(segs[1].Data) != "GET /rev HTTP/1.1\r\n\r\n" {
		for _, sg := range segs {
			t.Logf("segment %q request %v", sg.Data, sg.Request != nil)
		}
		t.Fatal("the 101 and the reversed request are not two segments")
	}
}

// Until the client has sent the rest of its upgrade request, nothing may
// be injected: its next bytes are not an answer, and must not be dropped.
func TestNoInjectWhileTheClientFinishesItsUpgradeRequest(t *testing.T) {
	c, _, _ := switchEarlyConn(t)
	if _, err := c.Inject(crlf("GET /replay HTTP/1.1\n\n"), "x", time.Unix(3, 0)); !errors.Is(err, ErrNotIdle) {
		t.Fatalf("Inject while the client still uploads: %v", err)
	}
	for _, sg := range c.FeedSegments(cl, []byte("cd"), time.Unix(4, 0)) {
		if sg.Drop {
			t.Fatalf("the end of the client's upgrade request is dropped: %q", sg.Data)
		}
	}
}

// Ending the connection before the upgrade request ends changes a copy,
// never the exchange already published.
func TestEndEarlyLeavesPublishedSnapshotsAlone(t *testing.T) {
	c, m, _ := switchEarlyConn(t)
	m.mu.Lock()
	pub := m.exchanges[0]
	m.mu.Unlock()
	before := pub.Request.Last
	c.End(time.Unix(100, 0), "")
	if !pub.Request.Last.Equal(before) {
		t.Fatalf("a published snapshot's Request.Last changed from %v to %v", before, pub.Request.Last)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if last := m.exchanges[m.index[pub.ID]]; !last.Request.Last.Equal(time.Unix(100, 0)) || last.Error == "" {
		t.Fatalf("the last snapshot: %+v", last)
	}
}
