package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
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
	if e := byTarget["/hold/1"]; e.Response == nil || e.Response.Status != 200 || !hasHintText(e, "edited") {
		t.Errorf("/hold/1: %+v", e)
	}
	if e := byTarget["/hold/2"]; e.Response != nil || e.Error != "dropped at a breakpoint" {
		t.Errorf("/hold/2: %+v", e)
	}
	if e := byTarget["/free"]; e.Response == nil || e.Response.Status != 204 {
		t.Errorf("/free paired with the wrong response: %+v", e)
	}
	if e := byTarget["/hold/3"]; e.Response == nil || !hasHintText(e, "timed out") {
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

func hasHintText(e *session.Exchange, s string) bool {
	for _, h := range e.Hints {
		if strings.Contains(h.Text, s) {
			return true
		}
	}
	return false
}
