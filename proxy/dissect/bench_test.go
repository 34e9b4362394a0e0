package dissect

import (
	"testing"
	"time"

	"ptth-inspector/session"
)

// BenchmarkFlippedExchange dissects the relay benchmark's small workload
// without sockets: after an upgrade, one reversed GET and its 64-byte answer
// per op, each fed as the one chunk it crosses the relay in, recorded into a
// store over a capture file. It is the per-exchange CPU the relay spends
// beside forwarding.
func BenchmarkFlippedExchange(b *testing.B) {
	c, _ := recordingConn(b)
	now := time.Now()
	c.Feed(session.FromClient, []byte("POST /q HTTP/1.1\r\nHost: relay\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"), now)
	c.Feed(session.FromUpstream, []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\n\r\n"), now)
	if !c.Reversed() {
		b.Fatal("no flip")
	}
	req := []byte("GET /status HTTP/1.1\r\nHost:\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n" + string(make([]byte, 64)))
	b.ReportAllocs()
	for b.Loop() {
		c.Feed(session.FromUpstream, req, now)
		c.Feed(session.FromClient, resp, now)
	}
	c.End(time.Now(), "")
}
