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

// Regression tests from a review of the relay: bytes must never be held
// back by intercept or the COMET queue when no breakpoint or poll is theirs.

func never(*session.Exchange) bool { return false }

func readExactly(t *testing.T, br *bufio.Reader, want string) {
	t.Helper()
	b := make([]byte, len(want))
	if n, err := io.ReadFull(br, b); err != nil || string(b) != want {
		t.Fatalf("got %q (%v), want %q", b[:n], err, want)
	}
}

func TestInterceptDoesNotHoldTunnelledBytes(t *testing.T) {
	r, _, client, up, cr, ur := relayPair(t)
	r.SetIntercept(never, time.Minute, nil)
	io.WriteString(client, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	expectHead(t, ur, "GET /ws")
	io.WriteString(up, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 101")
	io.WriteString(client, "hello")
	readExactly(t, ur, "hello")
}

func TestInterceptDoesNotHoldUnparsableBytes(t *testing.T) {
	r, _, client, _, _, ur := relayPair(t)
	r.SetIntercept(never, time.Minute, nil)
	io.WriteString(client, "\x00\x01 not http\r\n\r\n")
	readExactly(t, ur, "\x00\x01 not http\r\n\r\n")
}

func TestInterceptForwardsRequestsPipelinedBehindAnOffer(t *testing.T) {
	r, _, client, up, cr, ur := relayPair(t)
	r.SetIntercept(never, time.Minute, nil)
	io.WriteString(client, strings.ReplaceAll(offer, "\n", "\r\n")+"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
	expectHead(t, ur, "POST /q")
	io.WriteString(up, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 200")
	expectHead(t, ur, "GET /next")
}

func TestInterceptForwardsHeldBytesAtEOF(t *testing.T) {
	r, _, client, _, _, ur := relayPair(t)
	r.SetIntercept(never, time.Minute, nil)
	io.WriteString(client, "GET /x HTTP/1.1\r\nHost")
	client.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(ur)
	if string(b) != "GET /x HTTP/1.1\r\nHost" {
		t.Fatalf("upstream got %q (%v), want the partial request, then EOF", b, err)
	}
}

var queued = &session.Message{Method: "GET", Target: "/status", Proto: "PTTH/1.0", Raw: []byte("GET /status PTTH/1.0\r\n\r\n"), HeadLen: 24}

func TestQueuedCometEventSurvivesPollsItCannotAnswer(t *testing.T) {
	r, _, client, up, cr, ur := relayPair(t)
	msgID, err := r.QueueComet("127.0.0.1", queued, "")
	if err != nil {
		t.Fatal(err)
	}
	poll := "POST /poll HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
	// Two pipelined polls: the second waits behind the first upstream, so
	// neither can be answered by the relay; both go upstream.
	io.WriteString(client, poll+poll)
	expectHead(t, ur, "POST /poll")
	expectHead(t, ur, "POST /poll")
	io.WriteString(up, "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 204")
	expectHead(t, cr, "HTTP/1.1 204")
	// The next poll, alone, gets the event that is still queued.
	io.WriteString(client, poll)
	if got := expectHead(t, cr, "HTTP/1.1 200"); !strings.Contains(got, msgID) {
		t.Fatalf("third poll answered %q, want the queued event %s", got, msgID)
	}
}

func TestQueuedCometEventLeavesOrdinaryPostsAlone(t *testing.T) {
	r, _, client, up, cr, ur := relayPair(t)
	if _, err := r.QueueComet("127.0.0.1", queued, ""); err != nil {
		t.Fatal(err)
	}
	io.WriteString(client, "POST /upload HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
	expectHead(t, ur, "POST /upload")
	io.WriteString(up, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
	expectHead(t, cr, "HTTP/1.1 201")
}
