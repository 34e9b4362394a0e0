package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	"ptth-inspector/proxy/demo"
	"ptth-inspector/session"
)

// TestQueuedCometEventAnswersTheNextPoll queues an event for a live COMET
// client through the relay: the relay answers the client's next poll with
// it, captures the reply paired by message-id, and the upstream sees neither.
func TestQueuedCometEventAnswersTheNextPoll(t *testing.T) {
	srv, err := demo.NewServer("127.0.0.1:0", demo.ServerOptions{Interval: time.Hour, PollWait: 50 * time.Millisecond, CometOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r, st := startRelay(t, srv.Addr())
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	go demo.RunCometClient(ctx, r.Addr(), demo.CometOptions{Reconnect: time.Hour})
	for st.Stats().Exchanges == 0 && ctx.Err() == nil { // the client is polling
		time.Sleep(5 * time.Millisecond)
	}
	req := &session.Message{Method: "GET", Target: "/status", Proto: "PTTH/1.0", Raw: []byte("GET /status PTTH/1.0\r\n\r\n"), HeadLen: 24}
	msgID, err := r.QueueComet("127.0.0.1", req, "orig-9")
	if err != nil {
		t.Fatal(err)
	}
	var got *session.Exchange
	for got == nil && ctx.Err() == nil {
		for _, e := range st.Exchanges(0) {
			if e.MessageID == msgID && e.Response != nil {
				got = e
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got == nil {
		t.Fatal("the queued event was never answered")
	}
	if !got.Injected || got.ReplayOf != "orig-9" || got.Transport != session.COMET || got.Response.Status != 200 {
		t.Fatalf("comet exchange %+v", got)
	}
	if body, _ := got.Response.Body(); !strings.Contains(string(body), "/status") {
		t.Fatalf("reply body %q", body)
	}
	for _, e := range srv.Exchanges() {
		if e.MessageID == msgID {
			t.Fatalf("the upstream saw the inspector's event or its reply: %+v", e)
		}
	}
	answered := 0
	for _, e := range st.Exchanges(0) {
		for _, h := range e.Hints {
			if h.Code == session.HintAnswered {
				answered++
			}
		}
	}
	if answered != 2 { // the poll that got the event, and the POST that carried the reply
		t.Fatalf("%d carriers answered by the inspector, want 2", answered)
	}
}
