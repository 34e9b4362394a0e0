package wire

import (
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

const (
	offer    = "POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"
	eventReq = "POST /event HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
	switch0  = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nContent-Length: 0\r\n\r\n"
)

// flipOn101 is what the dissector does on the upstream side: after a 101
// the same stream carries requests.
func flipOn101(r *Reader, m *session.Message) {
	if m.Status == 101 {
		r.SetKind(Requests)
	}
}

func TestSwitchInOneFeed(t *testing.T) {
	o := opts{kind: Responses, onMsg: flipOn101}
	in := []byte(switch0 + eventReq + eventReq)
	evs := run(o, in)
	checkWant(t, evs, []want{
		{start: "HTTP/1.1 101 Switching Protocols", raw: switch0, off: l(switch0)},
		{start: "POST /event HTTP/1.1", raw: eventReq, body: "abc", bodyLen: 3, off: l(switch0 + eventReq)},
		{raw: eventReq, body: "abc", bodyLen: 3, off: l(switch0 + eventReq + eventReq)},
	})
	if !evs[1].m.IsRequest() {
		t.Error("the reversed message is not a request")
	}
	for _, sizes := range [][]int{{1}, {l2(switch0) - 1, 2}, {l2(switch0)}} {
		sameEvents(t, "pieces", evs, run(o, in, sizes...))
	}
	// Without SetKind the request cannot be read as a response.
	got := run(opts{kind: Responses}, in)
	if len(got) != 2 || got[1].what != "broken" || got[1].off != l(switch0) {
		t.Fatalf("without SetKind: %v, want the 101 then broken at %d", got, len(switch0))
	}
}

func l2(s string) int { return len(s) }

func TestSetKindMidMessage(t *testing.T) {
	// A kind set while a message is under way applies from the next one.
	r, h := newRec(opts{kind: Requests})
	r.Feed([]byte("GET / HT"), t0)
	r.SetKind(Responses)
	r.Feed([]byte("TP/1.1\r\n\r\n"+ok200), t0)
	if r.Kind() != Responses || len(h.events) != 2 || !h.events[0].m.IsRequest() || h.events[1].m.Status != 200 {
		t.Fatalf("events %v, kind %v", h.events, r.Kind())
	}
}

func TestPauseResume(t *testing.T) {
	t1, t2, t3 := t0.Add(time.Second), t0.Add(2*time.Second), t0.Add(3*time.Second)
	r, h := newRec(opts{kind: Requests, onMsg: func(r *Reader, m *session.Message) {
		if m.Header("Upgrade") != "" {
			r.Pause()
		}
	}})
	r.Feed([]byte(offer+"HTTP/1.1 200 OK\r\n"), t1)
	r.Feed([]byte("Content-Length: 2\r\n\r\nhi"+ok200[:10]), t2)
	if len(h.events) != 1 || r.Offset() != l(offer) {
		t.Fatalf("paused reader reported %v, offset %d", h.events, r.Offset())
	}
	r.Close(t3) // waits for Resume
	r.SetKind(Responses)
	r.Resume(t3)
	// Buffered bytes keep the times of the Feeds that brought them.
	checkWant(t, h.events[1:2], []want{{raw: ok200, body: "hi", bodyLen: 2, off: l(offer + ok200), first: t1, last: t2}})
	if len(h.events) != 3 || h.events[2].what != "incomplete" || string(h.events[2].m.Raw) != ok200[:10] {
		t.Fatalf("the Close made while paused: %v", h.events)
	}
	r.Feed([]byte(ok200), t3)
	if len(h.events) != 3 {
		t.Errorf("bytes after Close were parsed: %v", h.events[3:])
	}
}

func TestPauseEveryMessage(t *testing.T) {
	// Pausing inside each Message and resuming one at a time gives the same
	// messages as reading straight through.
	in := []byte(strings.Repeat(getReq+postReq, 3))
	want := run(opts{kind: Requests}, in)
	r, h := newRec(opts{kind: Requests, onMsg: func(r *Reader, _ *session.Message) { r.Pause() }})
	feedSizes(r, in, []int{7})
	for i := 1; i <= len(want); i++ {
		if len(h.events) != i {
			t.Fatalf("after %d resumes: %d messages", i-1, len(h.events))
		}
		r.Resume(t0)
	}
	sameEvents(t, "paused", want, h.events)
}

func TestPauseResumeInsideCallback(t *testing.T) {
	r, h := newRec(opts{kind: Requests, onMsg: func(r *Reader, _ *session.Message) { r.Pause(); r.Resume(t0) }})
	r.Feed([]byte(getReq+getReq), t0)
	if len(h.events) != 2 {
		t.Fatalf("Pause then Resume inside Message: %d messages, want 2", len(h.events))
	}
}

func TestPauseOverflow(t *testing.T) {
	lim := Limits{MaxHeaderBytes: 100, MaxBody: 100}
	r, h := newRec(opts{kind: Requests, lim: lim})
	r.Feed([]byte(getReq), t0)
	r.Pause()
	r.Feed([]byte(strings.Repeat("x", 150)), t0)
	r.Feed([]byte(strings.Repeat("x", 51)), t0)
	if len(h.events) != 2 || h.events[1].what != "broken" || h.events[1].off != l(getReq) {
		t.Fatalf("pause beyond the limits: %v", h.events)
	}
	if r.held() != 0 {
		t.Errorf("broken reader still holds %d bytes", r.held())
	}
}

func TestTunnel(t *testing.T) {
	r, h := newRec(opts{kind: Responses, onMsg: func(r *Reader, m *session.Message) {
		if m.Status == 101 {
			r.Tunnel()
		}
	}})
	r.Feed([]byte(switch0+"\x00\x01 binary"), t0)
	r.Feed([]byte("more garbage\r\n"), t0)
	r.Close(t0)
	if len(h.events) != 1 || r.Offset() != l(switch0) {
		t.Fatalf("tunnel: %v, offset %d", h.events, r.Offset())
	}
	r.Resume(t0)
	r.Pause()
	r.Feed([]byte(ok200), t0)
	if len(h.events) != 1 || r.held() != 0 {
		t.Fatalf("tunnelled reader parsed or kept bytes: %v, %d held", h.events, r.held())
	}
}

func TestTimes(t *testing.T) {
	t1, t2, t3 := t0.Add(time.Second), t0.Add(2*time.Second), t0.Add(3*time.Second)
	r, h := newRec(opts{kind: Requests, close: true})
	r.Feed([]byte("\r\n"), t0)
	r.Feed([]byte("POST / HTTP/1.1\r"), t1)
	r.Feed([]byte("\nContent-Length: 3\r\n\r\na"), t2)
	r.Feed([]byte("bcGET /x HTTP/1.1\r\n"), t3)
	r.Close(t3.Add(time.Second))
	if len(h.events) != 2 {
		t.Fatalf("events %v", h.events)
	}
	m, cut := h.events[0].m, h.events[1].m
	if !m.First.Equal(t1) || !m.Last.Equal(t3) {
		t.Errorf("First %v Last %v, want %v %v", m.First, m.Last, t1, t3)
	}
	if !cut.First.Equal(t3) || !cut.Last.Equal(t3.Add(time.Second)) {
		t.Errorf("cut message First %v Last %v, want %v and the Close", cut.First, cut.Last, t3)
	}
}

func TestCloseCompletesUntilClose(t *testing.T) {
	tc := t0.Add(time.Minute)
	r, h := newRec(opts{kind: Responses})
	r.Feed([]byte("HTTP/1.0 200 OK\r\n\r\npart one, "), t0)
	r.Feed([]byte("part two"), t0)
	r.Close(tc)
	if len(h.events) != 1 || h.events[0].what != "msg" || h.events[0].m.BodyLen != 18 || !h.events[0].m.Last.Equal(tc) {
		t.Fatalf("read until close: %v", h.events)
	}
	if r.Offset() != l("HTTP/1.0 200 OK\r\n\r\npart one, part two") {
		t.Errorf("Offset %d", r.Offset())
	}
}

func TestBrokenOnce(t *testing.T) {
	r, h := newRec(opts{kind: Requests})
	r.Feed([]byte(getReq+"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfoo\r\n"), t0)
	r.Feed([]byte(getReq), t0)
	r.Close(t0)
	if len(h.events) != 2 || h.events[1].what != "broken" {
		t.Fatalf("events %v", h.events)
	}
	if want := l(getReq) + 46; h.events[1].at != want || h.events[1].off != l(getReq) {
		t.Errorf("broken at %d (message at %d), want %d (%d)", h.events[1].at, h.events[1].off, want, len(getReq))
	}
}
