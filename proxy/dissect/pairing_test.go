package dissect

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

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
