package dissect

import (
	"strconv"
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

// TestPlaybookRequestPipelinedAfterOffer: a request the client sent right
// behind its upgrade offer, before the 101, is a request never answered;
// the flipped session goes on.
func TestPlaybookRequestPipelinedAfterOffer(t *testing.T) {
	for _, size := range []int{1, 5, 1 << 20} {
		m := playClosed(t, size,
			cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /2 HTTP/1.1\n\n",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /r1 HTTP/1.1\n\n",
			cl, "HTTP/1.1 200 OK\nContent-Length: 3\n\none",
		)
		want := "forward POST /reverse → HTTP/1.1 101 Switching Protocols\n" +
			"forward GET /2 (request pipelined after the upgrade was never answered)\n" +
			"reverse GET /r1 → HTTP/1.1 200 OK"
		if got := rows(m); got != want {
			t.Fatalf("pieces of %d bytes:\n%s\nwant\n%s", size, got, want)
		}
		for _, s := range m.sessions {
			if s.Error != "" || s.State != session.StateFlipped {
				t.Fatalf("session %+v", s)
			}
		}
	}
}

// TestPlaybookCometSameIDPairsInOrder: two events under one message-id in
// one poll are answered in the order they came.
func TestPlaybookCometSameIDPairsInOrder(t *testing.T) {
	events := `[{"message-id":"d","method":"GET","request-uri":"/1","http-version":"HTTP/1.1","headers":[],"body":""},` +
		`{"message-id":"d","method":"GET","request-uri":"/2","http-version":"HTTP/1.1","headers":[],"body":""}]`
	reply := `{"message-id":"d","http-version":"HTTP/1.1","status":200,"reason":"OK","headers":[],"body":"one"}`
	m := playClosed(t, 1<<20,
		cl, "POST /poll HTTP/1.1\nContent-Length: 0\n\n",
		up, "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: "+strconv.Itoa(len(events))+"\n\n"+events,
		cl, "POST /reply HTTP/1.1\nContent-Type: application/json\nContent-Length: "+strconv.Itoa(len(reply))+"\n\n"+reply,
		up, "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}",
	)
	var got []string
	for _, e := range m.exchanges {
		if e.Transport == session.COMET {
			s := e.Request.Target + " → "
			if e.Response != nil {
				b, _ := e.Response.Body()
				s += string(b)
			} else {
				s += "pending"
			}
			got = append(got, s)
		}
	}
	if strings.Join(got, ", ") != "/1 → one, /2 → pending" {
		t.Fatalf("COMET exchanges: %q", got)
	}
}

// TestPlaybookInterimResponsesStayWithTheFinalOne: 100 Continue and 103
// Early Hints ride at the start of the final response's wire bytes.
func TestPlaybookInterimResponsesStayWithTheFinalOne(t *testing.T) {
	interim := "HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\nLink: </s.css>; rel=preload\n\n"
	final := "HTTP/1.1 200 OK\nContent-Length: 3\n\nfin"
	for _, size := range []int{1, 9, 1 << 20} {
		m := playClosed(t, size,
			cl, "PUT /x HTTP/1.1\nExpect: 100-continue\nContent-Length: 2\n\n",
			up, "HTTP/1.1 100 Continue\n\n",
			cl, "ok",
			up, "HTTP/1.1 103 Early Hints\nLink: </s.css>; rel=preload\n\n"+final,
		)
		if len(m.exchanges) != 1 {
			t.Fatalf("pieces of %d: %s", size, rows(m))
		}
		r := m.exchanges[0].Response
		body, _ := r.Body()
		if string(r.Raw) != string(crlf(interim+final)) || r.HeadLen != len(crlf(interim+"HTTP/1.1 200 OK\nContent-Length: 3\n\n")) ||
			string(body) != "fin" || r.Status != 200 || r.Header("Link") != "" {
			t.Fatalf("pieces of %d: response %+v raw %q body %q", size, r, r.Raw, body)
		}
		if got := strings.Join(r.Interim(), "|"); got != "HTTP/1.1 100 Continue|HTTP/1.1 103 Early Hints" {
			t.Fatalf("Interim() = %q", got)
		}
		if !r.First.Equal(time.Unix(2, 0)) {
			t.Fatalf("the response's first byte is the 100's: %v", r.First)
		}
	}
}
