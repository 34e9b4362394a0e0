package proxy

import (
	"bytes"
	"io"
	"math/rand"
	"net"
	"testing"
	"time"
)

// randomStream mixes HTTP-looking fragments, PTTH upgrades and garbage.
func randomStream(r *rand.Rand, n int) []byte {
	frags := [][]byte{
		[]byte("GET / HTTP/1.1\r\n\r\n"), []byte(offer), []byte(accept),
		[]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
		[]byte("Transfer-Encoding: chunked\r\n\r\nzz\r\n"), []byte("\r\n"), []byte("\n"),
		[]byte("Content-Length: 99999999999999999999\r\n\r\n"),
	}
	var out []byte
	for len(out) < n {
		if r.Intn(3) == 0 {
			out = append(out, frags[r.Intn(len(frags))]...)
			continue
		}
		junk := make([]byte, r.Intn(300))
		r.Read(junk)
		out = append(out, junk...)
	}
	return out
}

// TestRandomStreamsArriveUnchanged sends random and malformed streams both
// ways at once through the relay, in random chunk sizes, and checks every
// byte arrives unchanged and in order.
func TestRandomStreamsArriveUnchanged(t *testing.T) {
	for seed := int64(1); seed <= 25; seed++ {
		r := rand.New(rand.NewSource(seed))
		toUp, toClient := randomStream(r, 1+r.Intn(200_000)), randomStream(r, 1+r.Intn(200_000))
		ln := listen(t)
		relay, st := startRelay(t, ln.Addr().String())
		upGot := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				upGot <- nil
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			wrote := make(chan struct{})
			go func() { writeChunks(c, toClient, rand.New(rand.NewSource(seed*7))); close(wrote) }()
			b, _ := io.ReadAll(c)
			<-wrote
			upGot <- b
		}()
		c, err := net.Dial("tcp", relay.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		wrote := make(chan struct{})
		go func() { writeChunks(c, toUp, rand.New(rand.NewSource(seed*13))); close(wrote) }()
		clientGot, err := io.ReadAll(c)
		<-wrote
		c.Close()
		if err != nil {
			t.Fatalf("seed %d: client read: %v", seed, err)
		}
		if !bytes.Equal(clientGot, toClient) {
			t.Fatalf("seed %d: client got %d bytes, want %d (first diff at %d)", seed, len(clientGot), len(toClient), firstDiff(clientGot, toClient))
		}
		if got := <-upGot; !bytes.Equal(got, toUp) {
			t.Fatalf("seed %d: upstream got %d bytes, want %d (first diff at %d)", seed, len(got), len(toUp), firstDiff(got, toUp))
		}
		waitEnded(t, st, 1)
		if st.Stats().Bytes != int64(len(toUp)+len(toClient)) {
			t.Fatalf("seed %d: store saw %d bytes, want %d", seed, st.Stats().Bytes, len(toUp)+len(toClient))
		}
	}
}

// writeChunks writes b in random-sized pieces, then half-closes.
func writeChunks(c net.Conn, b []byte, r *rand.Rand) {
	for len(b) > 0 {
		n := 1 + r.Intn(4096)
		if n > len(b) {
			n = len(b)
		}
		if _, err := c.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
	}
	c.(*net.TCPConn).CloseWrite()
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
