package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStreamAnswered(t *testing.T) {
	const count = 9 // one full cycle (8 requests) plus the closing one
	s, ch := startServer(t, ServerOptions{NoDelay: true, Count: count})
	goRun(t, fastClient(s.Addr()))
	got := collect(t, ch, count, func(e Exchange) bool { return e.Conn == 1 })

	chunked := buildRequest("chunked", 4, 1, "", "")
	want := []struct {
		kind, method, uri string
		status            int
		body              string
	}{
		{"status", "GET", "/status", 200, "ok /status\n"},
		{"event-json", "POST", "/event", 200, ""},
		{"event-plist", "POST", "/event", 200, ""},
		{"chunked", "POST", "/upload", 200, fmt.Sprintf("received %d bytes\n", len(strings.Join(chunked.chunks, "")))},
		{"pipelined", "GET", "/status?n=1", 200, "ok /status?n=1\n"},
		{"pipelined", "GET", "/status?n=2", 200, "ok /status?n=2\n"},
		{"missing", "GET", "/missing", 404, "not found\n"},
		{"head", "HEAD", "/status", 200, ""},
		{"status", "GET", "/status", 200, "ok /status\n"},
	}
	for i, w := range want {
		e := got[i]
		if e.Err != nil || e.Kind != w.kind || e.Method != w.method || e.URI != w.uri || e.Status != w.status || e.Body != w.body {
			t.Errorf("exchange %d = %+v, want %+v", i, e, w)
		}
	}
	// The last request said Connection: close, so the client reconnects.
	collect(t, ch, 1, func(e Exchange) bool { return e.Conn == 2 })
	if n := len(s.Exchanges()); n < count+1 {
		t.Errorf("Exchanges() holds %d, want at least %d", n, count+1)
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	flips := make(chan int, 16)
	opts := ServerOptions{OnFlip: func(fc *FlippedConn) {
		fc.SetDeadline(time.Now().Add(waitLimit))
		if _, err := fc.Write(RequestBytes("GET", "/status", [][2]string{{"Host", ""}}, nil)); err != nil {
			return
		}
		status, err := fc.Discard("GET")
		if err == nil && status == 200 {
			flips <- 1
		}
		// Returning drops the socket without Connection: close.
	}}
	s, _ := startServer(t, opts)
	goRun(t, fastClient(s.Addr()))
	for i := range 3 {
		select {
		case <-flips:
		case <-time.After(waitLimit):
			t.Fatalf("flip %d never answered", i+1)
		}
	}
	if s.Flips() < 3 {
		t.Errorf("Flips() = %d, want >= 3", s.Flips())
	}
}

func TestOnFlipPipelinedBurst(t *testing.T) {
	const n = 50
	statuses := make(chan []int, 1)
	s, _ := startServer(t, ServerOptions{OnFlip: func(fc *FlippedConn) {
		fc.SetDeadline(time.Now().Add(waitLimit))
		if fc.Upgrade().Header.Get("X-Apple-Purpose") != "event" {
			return
		}
		var burst []byte
		for i := range n {
			burst = append(burst, RequestBytes("GET", fmt.Sprintf("/status?i=%d", i), nil, nil)...)
		}
		if _, err := fc.Write(burst); err != nil {
			return
		}
		var got []int
		for range n {
			st, err := fc.Discard("GET")
			if err != nil {
				break
			}
			got = append(got, st)
		}
		statuses <- got
		<-fc.Context().Done()
	}})
	goRun(t, func(ctx context.Context) error {
		return RunClient(ctx, s.Addr(), ClientOptions{Body: 4096})
	})
	select {
	case got := <-statuses:
		if len(got) != n {
			t.Fatalf("got %d answers, want %d", len(got), n)
		}
		for i, st := range got {
			if st != 200 {
				t.Errorf("answer %d: status %d", i, st)
			}
		}
	case <-time.After(waitLimit):
		t.Fatal("burst not answered")
	}
}

func TestRawUpgradeBytes(t *testing.T) {
	s, _ := startServer(t, ServerOptions{NoDelay: true, Count: 1})
	c := dialRaw(t, s.Addr())
	// Upgrade and Connection are case-insensitive lists; PTTH/0.9 is accepted too.
	io.WriteString(c, "POST /q HTTP/1.1\r\nHost: x\r\nUpgrade: websocket, ptth/0.9\r\nConnection: keep-alive, upgrade\r\nContent-Length: 3\r\n\r\nabc")
	got, err := io.ReadAll(io.LimitReader(c, int64(len(response101)+len("GET /status HTTP/1.1\r\n"))))
	if err != nil {
		t.Fatal(err)
	}
	if want := response101 + "GET /status HTTP/1.1\r\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestPlainRequests(t *testing.T) {
	s, _ := startServer(t, ServerOptions{NoDelay: true})
	c := dialRaw(t, s.Addr())
	br := bufio.NewReader(c)

	// Anything but POST is 404, and the socket stays open.
	io.WriteString(c, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
	resp := readResp(t, br)
	if resp.StatusCode != 404 {
		t.Fatalf("GET: status %d, want 404", resp.StatusCode)
	}
	io.Copy(io.Discard, resp.Body)
	// An Upgrade on HTTP/1.0 is ignored: the POST is a COMET poll, then close.
	io.WriteString(c, "POST / HTTP/1.0\r\nUpgrade: PTTH/1.0\r\nContent-Length: 0\r\n\r\n")
	resp = readResp(t, br)
	body, _ := io.ReadAll(resp.Body)
	ev, err := parseEvents(body)
	if resp.StatusCode != 200 || err != nil || len(ev) != 1 || ev[0].HTTPVersion != "PTTH/1.0" {
		t.Fatalf("HTTP/1.0 poll: %d %q %v", resp.StatusCode, body, err)
	}
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("HTTP/1.0 socket not closed: %v", err)
	}
}

func TestNewServerLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "example.com:80"} {
		if s, err := NewServer(addr, ServerOptions{}); err == nil {
			s.Close()
			t.Errorf("NewServer(%q) accepted a non-loopback address", addr)
		}
	}
}

// dialRaw opens a raw loopback connection closed at the end of the test.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { c.Close() })
	return c
}

// readResp reads one response to a non-HEAD request.
func readResp(t *testing.T, br *bufio.Reader) *http.Response {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
