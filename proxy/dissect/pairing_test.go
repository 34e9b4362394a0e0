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
	got := cometRows(m)
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

// TestPlaybookCometLaterPollReplacesStaleEvent: an event never answered
// (the client went away) does not take the reply to a later poll's event
// with the same message-id.
func TestPlaybookCometLaterPollReplacesStaleEvent(t *testing.T) {
	event := func(uri string) string {
		return `{"message-id":"1","method":"GET","request-uri":"` + uri + `","http-version":"HTTP/1.1","headers":[],"body":""}`
	}
	reply := `{"message-id":"1","http-version":"HTTP/1.1","status":200,"reason":"OK","headers":[],"body":"for-new"}`
	poll := "POST /poll HTTP/1.1\nContent-Length: 0\n\n"
	answer := func(body string) string {
		return "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body
	}
	m := playClosed(t, 1<<20,
		cl, poll, up, answer(event("/old")),
		cl, poll, up, answer(event("/new")),
		cl, "POST /reply HTTP/1.1\nContent-Length: "+strconv.Itoa(len(reply))+"\n\n"+reply,
		up, "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}",
	)
	got := cometRows(m)
	if strings.Join(got, ", ") != "/old → pending, /new → for-new" || !strings.HasPrefix(m.exchanges[m.index[firstComet(m)]].Error, "replaced by a later poll's event") {
		t.Fatalf("COMET exchanges: %q", got)
	}
}

// TestPlaybookRequestSplitAroundTheFlip: a request begun before the 101 and
// ended after it is never answered, and does not take the client's answer
// to the first reversed request.
func TestPlaybookRequestSplitAroundTheFlip(t *testing.T) {
	m := playClosed(t, 1<<20,
		cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nPOST /2 HTTP/1.1\nContent-Length: 5\n\nab",
		up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /r1 HTTP/1.1\n\n",
		cl, "cdeHTTP/1.1 200 OK\nContent-Length: 2\n\nok",
	)
	want := "forward POST /reverse → HTTP/1.1 101 Switching Protocols\n" +
		"reverse GET /r1 → HTTP/1.1 200 OK\n" +
		"forward POST /2 abcde (request pipelined after the upgrade was never answered)"
	if got := rows(m); got != want {
		t.Fatalf("rows:\n%s\nwant\n%s", got, want)
	}
}

// TestInjectRefusedOnceTheClientsAnswersBreak: with the client's answers
// unparsable, the answer to an injected request could not be kept from the
// upstream, so nothing is injected.
func TestInjectRefusedOnceTheClientsAnswersBreak(t *testing.T) {
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	feedSteps(c, 1<<20,
		cl, "POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
		up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
		cl, "\x00garbage\n")
	if _, err := c.Inject([]byte("GET /mine HTTP/1.1\r\n\r\n"), "", time.Unix(5, 0)); err == nil || !strings.Contains(err.Error(), "no longer parse") {
		t.Fatalf("Inject after the client's answers broke: %v", err)
	}
}

// TestPlaybookCometEventsInAnEarlyResponse: events in a poll answered before
// the poll's body was complete are open at once, so a reply on another
// connection finds them.
func TestPlaybookCometEventsInAnEarlyResponse(t *testing.T) {
	ev := `[{"message-id":"e1","method":"GET","request-uri":"/x","http-version":"HTTP/1.1","headers":[],"body":""}]`
	reply := `{"message-id":"e1","http-version":"HTTP/1.1","status":204,"reason":"No Content","headers":[],"body":""}`
	m := newMemory()
	book := NewCometBook(m)
	poll := NewConn(m, book, "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	feedSteps(poll, 1<<20,
		cl, "POST /poll HTTP/1.1\nContent-Length: 4\n\nab",
		up, "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: "+strconv.Itoa(len(ev))+"\n\n"+ev)
	other := NewConn(m, book, "10.0.0.1:5001", "upstream:80", time.Unix(0, 0))
	feedSteps(other, 1<<20,
		cl, "POST /reply HTTP/1.1\nContent-Length: "+strconv.Itoa(len(reply))+"\n\n"+reply,
		up, "HTTP/1.1 200 OK\nContent-Length: 2\n\n{}")
	for _, e := range m.exchanges {
		if e.Transport == session.COMET && (e.Response == nil || e.Response.Status != 204) {
			t.Fatalf("COMET event from the early poll answer: %s", row(e))
		}
		for _, h := range e.Hints {
			if h.Code == session.HintUnknownMessageID {
				t.Fatalf("the reply found no event: %s", row(e))
			}
		}
	}
}

// cometRows writes each COMET exchange as "target → reply body" or
// "target → pending".
func cometRows(m *memory) []string {
	var out []string
	for _, e := range m.exchanges {
		if e.Transport != session.COMET {
			continue
		}
		s := e.Request.Target + " → pending"
		if e.Response != nil {
			b, _ := e.Response.Body()
			s = e.Request.Target + " → " + string(b)
		}
		out = append(out, s)
	}
	return out
}

// firstComet returns the id of the first COMET exchange recorded.
func firstComet(m *memory) string {
	for _, e := range m.exchanges {
		if e.Transport == session.COMET {
			return e.ID
		}
	}
	return ""
}

// TestPlaybookInterimThenClose: a 100 Continue and then a closed
// connection leave the 100 with the request it began to answer.
func TestPlaybookInterimThenClose(t *testing.T) {
	m := playClosed(t, 1<<20,
		cl, "PUT /x HTTP/1.1\nExpect: 100-continue\nContent-Length: 2\n\n",
		up, "HTTP/1.1 100 Continue\n\n",
		cl, "ok")
	want := "forward PUT /x ok → HTTP/1.1 100 Continue (connection closed after an interim 100 Continue, before the final response)"
	if got := rows(m); got != want {
		t.Fatalf("rows:\n%s\nwant\n%s", got, want)
	}
	if r := m.exchanges[0].Response; string(r.Raw) != "HTTP/1.1 100 Continue\r\n\r\n" || r.HeadLen != len(r.Raw) {
		t.Fatalf("response %+v", r)
	}
}
