package demo

import (
	"bufio"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cometWant is the expected answer per COMET event kind.
var cometWant = map[string]struct {
	method, uri string
	status      int
}{
	"status":      {"GET", "/status", 200},
	"event-json":  {"POST", "/event", 200},
	"event-plist": {"POST", "/event", 200},
	"missing":     {"GET", "/missing", 404},
	"head":        {"HEAD", "/status", 200},
}

func TestCometRepliesPaired(t *testing.T) {
	n := len(cometKinds)
	s, ch := startServer(t, ServerOptions{NoDelay: true, Count: n})
	goRun(t, fastComet(s.Addr(), CometOptions{ClientID: "tester"}))
	got := collect(t, ch, n, nil)
	seen := map[string]bool{}
	for i, e := range got {
		w := cometWant[e.Kind]
		if e.Via != "comet" || e.Err != nil || e.Client != "tester" || e.Kind != cometKinds[i] ||
			e.Method != w.method || e.URI != w.uri || e.Status != w.status {
			t.Errorf("exchange %d = %+v", i, e)
		}
		if e.MessageID == "" || seen[e.MessageID] {
			t.Errorf("exchange %d: message-id %q missing or repeated", i, e.MessageID)
		}
		seen[e.MessageID] = true
	}
	if got[0].Body != "ok /status\n" {
		t.Errorf("status reply body %q", got[0].Body)
	}
}

func TestCometFallbackFromUpgradeOffer(t *testing.T) {
	s, ch := startServer(t, ServerOptions{NoDelay: true, CometOnly: true})
	goRun(t, fastComet(s.Addr(), CometOptions{OfferUpgrade: true}))
	got := collect(t, ch, 3, nil)
	for _, e := range got {
		if e.Via != "comet" || e.Err != nil || e.Status != cometWant[e.Kind].status {
			t.Errorf("exchange %+v", e)
		}
	}
	if s.Flips() != 0 {
		t.Errorf("CometOnly server flipped %d sockets", s.Flips())
	}
}

func TestCometClientAcceptsUpgrade(t *testing.T) {
	s, ch := startServer(t, ServerOptions{NoDelay: true})
	goRun(t, fastComet(s.Addr(), CometOptions{OfferUpgrade: true}))
	got := collect(t, ch, len(streamKinds)+1, nil)
	for _, e := range got {
		if e.Via != "ptth" || e.Err != nil {
			t.Errorf("exchange %+v", e)
		}
	}
}

func TestCometEmptyPollAndUnknownReply(t *testing.T) {
	s, ch := startServer(t, ServerOptions{Count: 1, NoDelay: true, PollWait: 20 * time.Millisecond})
	c := dialRaw(t, s.Addr())
	br := bufio.NewReader(c)
	poll := string(RequestBytes("POST", "/", [][2]string{{"Host", "x"}, {CometClientHeader, "raw"}}, nil))

	io.WriteString(c, poll)
	if resp := readResp(t, br); resp.StatusCode != 200 {
		t.Fatalf("first poll: %d", resp.StatusCode)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	io.WriteString(c, poll) // Count reached: 204 after PollWait
	if resp := readResp(t, br); resp.StatusCode != 204 {
		t.Fatalf("second poll: %d, want 204", resp.StatusCode)
	}
	reply := `[{"message-id": "nope", "http-version": "PTTH/1.0", "status": 200, "reason": "OK", "headers": [], "body": ""}]`
	io.WriteString(c, string(RequestBytes("POST", "/", [][2]string{{"Host", "x"}, {CometClientHeader, "raw"}}, []byte(reply))))
	resp := readResp(t, br)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "{}" {
		t.Fatalf("reply answered %d %q, want 200 {}", resp.StatusCode, body)
	}
	if e := collect(t, ch, 1, nil)[0]; e.MessageID != "nope" || e.Err == nil {
		t.Errorf("unknown reply recorded as %+v", e)
	}
}

func TestParseEvents(t *testing.T) {
	for body, n := range map[string]int{
		"": 0, "{}": 0, " [] ": 0,
		`{"message-id":"a","method":"GET","request-uri":"/","http-version":"PTTH/1.0","headers":[["Host",""]],"body":""}`:  1,
		`[{"message-id":"a","method":"GET","request-uri":"/"},{"message-id":"b","method":"HEAD","request-uri":"/status"}]`: 2,
	} {
		evs, err := parseEvents([]byte(body))
		if err != nil || len(evs) != n {
			t.Errorf("parseEvents(%q) = %d events, %v; want %d", body, len(evs), err, n)
		}
	}
	if _, err := parseEvents([]byte(`[{"method":"GET"}]`)); err == nil {
		t.Error("event without message-id accepted")
	}
}

func TestCancelStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	seen := make(chan string, 64)
	s, err := NewServer("127.0.0.1:0", ServerOptions{Interval: 5 * time.Millisecond, OnExchange: func(e Exchange) {
		if e.Err == nil {
			select {
			case seen <- e.Via:
			default:
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, s.Addr()) }()

	deadline := time.Now().Add(waitLimit)
	timeout := time.After(waitLimit)
	for via := map[string]bool{}; !via["ptth"] || !via["comet"]; {
		select {
		case v := <-seen:
			via[v] = true
		case <-timeout:
			t.Fatalf("no ptth and comet exchanges: %+v", s.Exchanges())
		}
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after cancel")
	}
	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond) // poll the goroutine count, bounded by deadline
	}
}

func BenchmarkPipelinedGETs(b *testing.B) {
	const batch = 64
	req := RequestBytes("GET", "/status", [][2]string{{"Host", ""}}, nil)
	burst := []byte(strings.Repeat(string(req), batch))
	result := make(chan error, 1)
	start := make(chan struct{})
	s, err := NewServer("127.0.0.1:0", ServerOptions{OnFlip: func(fc *FlippedConn) {
		<-start
		for sent := 0; sent < b.N; sent += batch {
			if _, err := fc.Write(burst); err != nil {
				result <- err
				return
			}
			for range batch {
				if _, err := fc.Discard("GET"); err != nil {
					result <- err
					return
				}
			}
		}
		result <- nil
		<-fc.Context().Done()
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go RunClient(ctx, s.Addr(), ClientOptions{Body: 1024})
	b.SetBytes(1024)
	b.ResetTimer()
	close(start)
	if err := <-result; err != nil {
		b.Fatal(err)
	}
}
