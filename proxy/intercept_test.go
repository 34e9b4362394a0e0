package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// waitPaused waits (bounded) for n paused requests.
func waitPaused(t *testing.T, r *Relay, n int) []Paused {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if p := r.PausedRequests(); len(p) == n {
			return p
		}
	}
	t.Fatalf("paused requests: %d, want %d", len(r.PausedRequests()), n)
	return nil
}

// nothingArrives checks that no byte reaches c for a short while.
func nothingArrives(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(80 * time.Millisecond))
	if b, err := br.Peek(1); err == nil {
		t.Fatalf("bytes arrived while the request was paused: %q", b)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
}

func TestInterceptPausesEditsDropsAndTimesOut(t *testing.T) {
	r, st, client, up, cr, ur := relayPair(t)
	r.SetIntercept(func(e *session.Exchange) bool { return strings.HasPrefix(e.Request.Target, "/hold") }, time.Minute, nil)

	// A matching request, sent in two pieces, is held whole, then edited.
	io.WriteString(client, "GET /hold/1 HTTP/1.1\r\nHo")
	io.WriteString(client, "st: x\r\n\r\n")
	p := waitPaused(t, r, 1)
	if string(p[0].Raw) != "GET /hold/1 HTTP/1.1\r\nHost: x\r\n\r\n" || p[0].Exchange.Request.Target != "/hold/1" {
		t.Fatalf("paused %+v", p[0])
	}
	nothingArrives(t, up, ur)
	if err := r.Resume(p[0].Exchange.ID, []byte("GET /edited HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	expectHead(t, ur, "GET /edited")
	io.WriteString(up, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 200")

	// A dropped request never reaches the upstream; the next one pairs right.
	io.WriteString(client, "GET /hold/2 HTTP/1.1\r\n\r\n")
	p = waitPaused(t, r, 1)
	r.DropPaused(p[0].Exchange.ID)
	io.WriteString(client, "GET /free HTTP/1.1\r\n\r\n")
	expectHead(t, ur, "GET /free")
	io.WriteString(up, "HTTP/1.1 204 No Content\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 204")

	// A short timeout forwards a paused request unchanged.
	r.SetIntercept(func(e *session.Exchange) bool { return strings.HasPrefix(e.Request.Target, "/hold") }, 30*time.Millisecond, nil)
	io.WriteString(client, "GET /hold/3 HTTP/1.1\r\n\r\n")
	expectHead(t, ur, "GET /hold/3")
	io.WriteString(up, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 200")

	byTarget := map[string]*session.Exchange{}
	for _, e := range st.Exchanges(0) {
		byTarget[e.Request.Target] = e
	}
	// The edited request is what the exchange shows; the client's is kept.
	if e := byTarget["/edited"]; e == nil || e.Response == nil || e.Response.Status != 200 || !hasHintText(e, "edited") ||
		e.Original == nil || e.Original.Target != "/hold/1" || string(e.Request.Raw) != "GET /edited HTTP/1.1\r\nHost: x\r\n\r\n" {
		t.Errorf("/hold/1 edited into /edited: %+v", e)
	} else if held := e.Request.First.Sub(e.Original.Last); held < 50*time.Millisecond {
		// It was held at least nothingArrives's 80 ms: the edited request's
		// times are when it went on, so Duration leaves the pause out.
		t.Errorf("the edited request went on %v after the client's ended", held)
	}
	if e := byTarget["/hold/2"]; e.Response != nil || e.Error != "dropped at a breakpoint" {
		t.Errorf("/hold/2: %+v", e)
	}
	if e := byTarget["/free"]; e.Response == nil || e.Response.Status != 204 {
		t.Errorf("/free paired with the wrong response: %+v", e)
	}
	if e := byTarget["/hold/3"]; e.Response == nil || !hasHintText(e, "breakpoint timed out: forwarded unchanged after ") {
		t.Errorf("/hold/3: %+v", e)
	}
}

func TestInterceptReversedRequests(t *testing.T) {
	r, _, client, up, cr, _ := flippedPair(t)
	r.SetIntercept(func(e *session.Exchange) bool { return e.Direction == session.Reverse }, time.Minute, nil)
	io.WriteString(up, "GET /rev HTTP/1.1\r\n\r\n")
	if p := waitPaused(t, r, 1); p[0].Exchange.Direction != session.Reverse || p[0].Exchange.Request.Target != "/rev" {
		t.Fatalf("paused %+v", p[0].Exchange)
	}
	nothingArrives(t, client, cr)
	r.SetIntercept(nil, 0, nil) // turning intercept off releases what is paused
	expectHead(t, cr, "GET /rev")
	if n := len(r.PausedRequests()); n != 0 {
		t.Fatalf("%d still paused", n)
	}
}

// A reversed GET edited into a HEAD: the client's answer is read as a
// HEAD's (no body), so the next request pairs with the next answer.
func TestInterceptEditedRequestFramesItsResponse(t *testing.T) {
	r, st, client, up, cr, _ := flippedPair(t)
	editAtBreakpoint(t, r, up, "GET /rev HTTP/1.1\r\n\r\n", "HEAD /rev HTTP/1.1\r\n\r\n")
	expectHead(t, cr, "HEAD /rev")
	io.WriteString(client, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
	io.WriteString(up, "GET /next HTTP/1.1\r\n\r\n")
	expectHead(t, cr, "GET /next")
	io.WriteString(client, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
	next := waitAnswered(st, func(e *session.Exchange) bool { return e.Request.Target == "/next" })
	head := waitAnswered(st, func(e *session.Exchange) bool { return e.Request.Target == "/rev" })
	if head == nil || head.Request.Method != "HEAD" || head.Original == nil || head.Original.Method != "GET" ||
		head.Response == nil || head.Response.Status != 200 || head.Response.BodyLen != 0 {
		t.Fatalf("edited HEAD: %+v", head)
	}
	if next == nil || next.Response == nil || next.Response.Status != 201 {
		t.Fatalf("the request after it paired with %+v", next)
	}
}

// A plain POST edited into a PTTH offer, accepted by a 101: the roles
// flip, and what the upstream sends next is read as a request.
func TestInterceptEditedIntoAnUpgradeFlips(t *testing.T) {
	r, st, client, up, cr, ur := relayPair(t)
	editAtBreakpoint(t, r, client, "POST /reverse HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		"POST /reverse HTTP/1.1\r\nHost: x\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, ur, "POST /reverse")
	io.WriteString(up, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\n\r\nGET /rev HTTP/1.1\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 101")
	expectHead(t, cr, "GET /rev")
	io.WriteString(client, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	rev := waitAnswered(st, func(e *session.Exchange) bool { return e.Direction == session.Reverse })
	if rev == nil || rev.Request.Target != "/rev" || rev.Response == nil || rev.Response.Status != 200 {
		t.Fatalf("reversed exchange after the edited upgrade: %+v", rev)
	}
	if s := st.Sessions()[0]; s.State != session.StateFlipped {
		t.Errorf("session state %v, hints %+v", s.State, s.Hints)
	}
}

// An offer edited into a plain request through a real relay: the request
// the client pipelined behind it still reaches the upstream.
func TestInterceptOfferEditedAwayLetsThePipelinedRequestOn(t *testing.T) {
	r, st, client, up, cr, ur := relayPair(t)
	editAtBreakpoint(t, r, client, "POST /q HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\nGET /next HTTP/1.1\r\n\r\n",
		"POST /plain HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, ur, "POST /plain")
	expectHead(t, ur, "GET /next")
	io.WriteString(up, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 200")
	expectHead(t, cr, "HTTP/1.1 204")
	if next := waitAnswered(st, func(e *session.Exchange) bool { return e.Request.Target == "/next" }); next == nil || next.Response == nil || next.Response.Status != 204 {
		t.Fatalf("/next: %+v", next)
	}
}

// editAtBreakpoint pauses requests with sent's start line, has from send
// sent, and forwards it as edited instead.
func editAtBreakpoint(t *testing.T, r *Relay, from io.Writer, sent, edited string) {
	t.Helper()
	line, _, _ := strings.Cut(sent, "\r\n")
	r.SetIntercept(func(e *session.Exchange) bool { return e.Request.StartLine() == line }, time.Minute, nil)
	io.WriteString(from, sent)
	p := waitPaused(t, r, 1)
	if err := r.Resume(p[0].Exchange.ID, []byte(edited)); err != nil {
		t.Fatal(err)
	}
}

// waitAnswered waits (bounded) for an answered exchange that is returns
// true for, and returns it, or the last unanswered one it saw, or nil.
func waitAnswered(st *store.Store, is func(*session.Exchange) bool) *session.Exchange {
	var found *session.Exchange
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		for _, e := range st.Exchanges(0) {
			if e.Request != nil && is(e) {
				if found = e; e.Response != nil {
					return e
				}
			}
		}
	}
	return found
}

func hasHintText(e *session.Exchange, s string) bool {
	for _, h := range e.Hints {
		if strings.Contains(h.Text, s) {
			return true
		}
	}
	return false
}
