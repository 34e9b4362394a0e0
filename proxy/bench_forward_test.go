package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// BenchmarkRelayForward is plain HTTP, before any flip: 4 keep-alive
// clients each sending GETs back to back and reading 64-byte answers,
// through a bare io.Copy relay and through our relay with capture on,
// alternating over relayRounds rounds. It reports relay/bare. Until a
// connection flips, the relay dissects each upstream chunk before it
// forwards it (a response may carry a COMET event), so this is the path
// where the dissector's latency shows.
func BenchmarkRelayForward(b *testing.B) {
	const conns, body = 4, 64
	server := newHTTPServer(b, body)
	bare := bareRelay(b, server.Addr().String(), false)
	w, err := capture.Create(filepath.Join(benchDir(b), "forward.ptthcap"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	ours := &Relay{Listen: "127.0.0.1:0", Upstream: server.Addr().String(), Rec: store.New(w)}
	if err := ours.Start(); err != nil {
		b.Fatal(err)
	}
	defer ours.Close()
	per := (b.N + relayRounds*conns - 1) / (relayRounds * conns)
	b.ReportAllocs()
	var viaBare, viaOurs time.Duration
	b.ResetTimer()
	b.StopTimer()
	for range relayRounds {
		viaBare += httpClients(b, bare, conns, per, body)
		b.StartTimer()
		viaOurs += httpClients(b, ours.Addr(), conns, per, body)
		b.StopTimer()
	}
	b.ReportMetric(float64(viaBare)/float64(viaOurs), "relay/bare")
}

// newHTTPServer answers every request on every connection with a body of
// body bytes.
func newHTTPServer(b *testing.B, body int) net.Listener {
	ln := listen(b)
	resp := append(fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", body), bytes.Repeat([]byte("x"), body)...)
	acceptEach(ln, func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			if _, err := readHead(br); err != nil {
				return
			}
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	})
	return ln
}

// httpClients runs conns clients against addr, each sending n GETs one
// after the other, and returns how long they took.
func httpClients(b *testing.B, addr string, conns, n, body int) time.Duration {
	return concurrently(b, conns, func() error { return httpClient(addr, n, body) }, nil)
}

func httpClient(addr string, n, body int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req := []byte("GET /status HTTP/1.1\r\nHost: relay\r\n\r\n")
	for i := range n {
		if _, err := c.Write(req); err != nil {
			return err
		}
		if _, err := readHead(br); err != nil {
			return fmt.Errorf("response %d: %w", i, err)
		}
		if _, err := io.CopyN(io.Discard, br, int64(body)); err != nil {
			return err
		}
	}
	return nil
}
