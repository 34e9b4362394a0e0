package replay

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"ptth-inspector/proxy"
	"ptth-inspector/proxy/demo"
	"ptth-inspector/proxy/dissect"
	"ptth-inspector/proxy/mock"
	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// echoUpstream answers each request on a connection with 200 and the
// request's first line as the body, and reports the bytes it received.
func echoUpstream(t *testing.T) (addr string, got chan string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				head := line
				for {
					l, err := br.ReadString('\n')
					head += l
					if err != nil || l == "\r\n" {
						break
					}
				}
				got <- head
				body := strings.TrimSpace(line)
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
			}()
		}
	}()
	return ln.Addr().String(), got
}

func TestForwardReplayCapturesLinkedExchange(t *testing.T) {
	addr, got := echoUpstream(t)
	st := store.New(nil)
	f := &Forwarder{Rec: st, Book: dissect.NewCometBook(st), Upstream: addr}
	req := "GET /edited HTTP/1.1\r\nHost: x\r\nX-Custom: yes\r\n\r\n"
	id, err := f.Send(context.Background(), []byte(req), "orig-7")
	if err != nil {
		t.Fatal(err)
	}
	if h := <-got; h != req {
		t.Fatalf("upstream received %q, want %q", h, req)
	}
	ex := st.Exchange(id)
	if ex == nil || !ex.Injected || ex.ReplayOf != "orig-7" || ex.Direction != session.Forward || ex.Response == nil {
		t.Fatalf("captured %+v", ex)
	}
	if body, _ := ex.Response.Body(); string(body) != "GET /edited HTTP/1.1" {
		t.Fatalf("response body %q", body)
	}
}

func TestForwardReplayOfAnUpgradeFlipsAndAnswersReversedRequests(t *testing.T) {
	srv, err := demo.NewServer("127.0.0.1:0", demo.ServerOptions{Interval: time.Millisecond, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st := store.New(nil)
	f := &Forwarder{Rec: st, Book: dissect.NewCometBook(st), Upstream: srv.Addr()}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := "POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"
	id, err := f.Send(ctx, []byte(req), "")
	if err != nil {
		t.Fatal(err)
	}
	if ex := st.Exchange(id); ex.Response.Status != 101 {
		t.Fatalf("upgrade answered %d", ex.Response.Status)
	}
	for ctx.Err() == nil {
		n := 0
		for _, e := range st.Exchanges(0) {
			if e.Direction == session.Reverse && e.Response != nil && e.Response.Status == 501 {
				n++
			}
		}
		if n >= 3 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("reversed requests were not answered by the responder: %d exchanges", st.Stats().Exchanges)
}

func TestDefaultResponseFraming(t *testing.T) {
	if !strings.HasSuffix(DefaultResponse, "Content-Length: "+strconv.Itoa(len(defaultBody))+"\r\n\r\n"+defaultBody) {
		t.Fatalf("DefaultResponse's Content-Length does not match its body")
	}
}

func TestRepeatReverseThroughTheRelay(t *testing.T) {
	leaked := make(chan int, 1)
	srv, err := demo.NewServer("127.0.0.1:0", demo.ServerOptions{OnFlip: func(fc *demo.FlippedConn) {
		n, _ := io.Copy(io.Discard, fc) // the upstream asks nothing: it must receive nothing
		leaked <- int(n)
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st := store.New(nil)
	r := &proxy.Relay{Listen: "127.0.0.1:0", Upstream: srv.Addr(), Rec: st}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go demo.RunClient(ctx, r.Addr(), demo.ClientOptions{Reconnect: time.Hour})
	var sid string
	for sid == "" && ctx.Err() == nil {
		if ids := r.LiveFlipped("127.0.0.1"); len(ids) > 0 {
			sid = ids[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, pipelined := range []bool{false, true} {
		stats := RepeatReverse(ctx, r, st.Exchange, sid, []byte("GET /status HTTP/1.1\r\nHost:\r\n\r\n"), "", 25, pipelined)
		if stats.Sent != 25 || stats.Answered != 25 || stats.Errors != 0 || stats.PerSecond() <= 0 {
			t.Fatalf("pipelined=%v: %s", pipelined, stats)
		}
	}
	injected := 0
	for _, e := range st.Exchanges(0) {
		if e.Injected && e.Response != nil && e.Response.Status == 200 {
			injected++
		}
	}
	if injected != 50 {
		t.Fatalf("captured %d answered injected exchanges, want 50", injected)
	}
	cancel()
	r.Close()
	if n := <-leaked; n != 0 {
		t.Fatalf("the upstream received %d bytes of answers to injected requests", n)
	}
}

// TestRepeatForwardOfAnUpgradeClosesEachConnection repeats a replayed
// upgrade: each flipped connection is closed once it answered, not kept
// until the caller's context ends.
func TestRepeatForwardOfAnUpgradeClosesEachConnection(t *testing.T) {
	srv, err := mock.Start("127.0.0.1:0", mock.Options{Mode: mock.Accept})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st := store.New(nil)
	f := &Forwarder{Rec: st, Book: dissect.NewCometBook(st), Upstream: srv.Addr()}
	req := "POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"
	if stats := RepeatForward(context.Background(), f, []byte(req), "", 20); stats.Answered != 20 {
		t.Fatalf("repeat: %s", stats)
	}
	for deadline := time.Now().Add(5 * time.Second); len(srv.Clients()) > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d upstream connections still open after the repeat", len(srv.Clients()))
		}
	}
}
