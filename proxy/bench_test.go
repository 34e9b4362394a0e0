package proxy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// relayRounds is how many times BenchmarkRelay alternates between the
// ways it relays: the build machine's speed drifts over seconds, and
// alternating spreads that drift over every way alike instead of favouring
// whichever ran first.
const relayRounds = 4

// BenchmarkRelay runs one reversed-request workload in one run: straight
// from client to server, through a bare io.Copy relay (the limit of any relay
// on this machine), through our relay dissecting into memory only, and
// through our relay with capture on. It reports relay/bare and relay/direct
// throughput ratios (capture on), nocapture/bare, and RAM per exchange; for
// 1 MiB bodies also the rate the capture file was written at and the rate
// the disk under it takes a plain sequential write. Direct, bare, user-copy
// and capture-on runs alternate over relayRounds rounds; ns/op times only
// the capture-on runs.
func BenchmarkRelay(b *testing.B) {
	for _, tc := range []struct {
		name  string
		conns int
		body  int
	}{{"64B", 4, 64}, {"1MiB", 1, 1 << 20}} {
		b.Run(tc.name, func(b *testing.B) {
			per := (b.N + relayRounds*tc.conns - 1) / (relayRounds * tc.conns)
			server := newPTTHServer(b, per, tc.conns)
			bare := bareRelay(b, server.addr(), false)
			userCopy := bareRelay(b, server.addr(), true)
			dir := benchDir(b)
			w, err := capture.Create(filepath.Join(dir, "bench.ptthcap"))
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			st := store.New(w)
			ours := &Relay{Listen: "127.0.0.1:0", Upstream: server.addr(), Rec: st}
			if err := ours.Start(); err != nil {
				b.Fatal(err)
			}
			defer ours.Close()
			b.SetBytes(int64(tc.body))
			b.ReportAllocs()

			// The same relay without a capture file, against a bare run
			// just before it: how much of the cost is dissection and how
			// much is writing to disk. It keeps every message in memory,
			// so it runs once, before the rounds.
			memOnly := &Relay{Listen: "127.0.0.1:0", Upstream: server.addr(), Rec: store.New(nil)}
			if err := memOnly.Start(); err != nil {
				b.Fatal(err)
			}
			bareBeside := runWorkload(b, server, bare, tc.conns, tc.body)
			viaMemOnly := runWorkload(b, server, memOnly.Addr(), tc.conns, tc.body)
			memOnly.Close()
			var before, after runtime.MemStats
			// Hand the memory-only relay's memory back now rather than
			// while the rounds are measured.
			debug.FreeOSMemory()
			runtime.ReadMemStats(&before)
			var direct, viaBare, viaUserCopy, viaOurs time.Duration
			b.ResetTimer()
			b.StopTimer()
			for range relayRounds {
				direct += runWorkload(b, server, server.addr(), tc.conns, tc.body)
				viaBare += runWorkload(b, server, bare, tc.conns, tc.body)
				viaUserCopy += runWorkload(b, server, userCopy, tc.conns, tc.body)
				b.StartTimer()
				viaOurs += runWorkload(b, server, ours.Addr(), tc.conns, tc.body)
				b.StopTimer()
			}
			waitEnded(b, st, relayRounds*tc.conns)
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(viaBare)/float64(viaOurs), "relay/bare")
			b.ReportMetric(float64(direct)/float64(viaOurs), "relay/direct")
			b.ReportMetric(float64(direct)/float64(viaBare), "bare/direct")
			b.ReportMetric(float64(bareBeside)/float64(viaMemOnly), "nocapture/bare")
			b.ReportMetric(float64(viaUserCopy)/float64(viaOurs), "relay/usercopy")
			if n := st.Stats().Exchanges; n > 0 {
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "heapB/exchange")
			}
			if tc.body >= 1<<20 {
				// Every relayed byte goes to the capture file: compare the
				// rate it was written at with what the disk takes.
				w.Flush()
				if fi, err := os.Stat(w.Path()); err == nil {
					b.ReportMetric(float64(fi.Size())/viaOurs.Seconds()/1e6, "captureMB/s")
					b.ReportMetric(diskRate(b, dir, fi.Size())/1e6, "diskMB/s")
				}
			}
		})
	}
}

// benchDir is where the capture is written: $PTTH_BENCH_DIR (e.g. /dev/shm,
// to leave the disk out) or a temporary directory.
func benchDir(b *testing.B) string {
	if d := os.Getenv("PTTH_BENCH_DIR"); d != "" {
		d, err := os.MkdirTemp(d, "ptth-bench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	return b.TempDir()
}

// diskRate writes n bytes to a new file in dir, 1 MiB at a time, and
// returns bytes per second: what any capture in dir could be written at.
func diskRate(b *testing.B, dir string, n int64) float64 {
	f, err := os.CreateTemp(dir, "rate")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := bytes.Repeat([]byte("x"), 1<<20)
	start := time.Now()
	for done := int64(0); done < n; done += int64(len(buf)) {
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// ptthServer accepts PTTH clients, flips, and sends n GETs back to back on
// each flipped socket, reading each answer before the next; runWorkload
// runs clients that answer them.
type ptthServer struct {
	ln   net.Listener
	n    int
	done chan error
}

func newPTTHServer(b *testing.B, n, conns int) *ptthServer {
	s := &ptthServer{ln: listen(b), n: n, done: make(chan error, 64)}
	acceptEach(s.ln, func(c net.Conn) { s.done <- s.serve(c) })
	return s
}

func (s *ptthServer) addr() string { return s.ln.Addr().String() }

func (s *ptthServer) serve(c net.Conn) error {
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	if _, err := readHead(br); err != nil {
		return err
	}
	if _, err := io.WriteString(c, accept); err != nil {
		return err
	}
	req := []byte("GET /status HTTP/1.1\r\nHost:\r\n\r\n")
	for i := 0; i < s.n; i++ {
		if _, err := c.Write(req); err != nil {
			return err
		}
		head, err := readHead(br)
		if err != nil {
			return err
		}
		if _, err := io.CopyN(io.Discard, br, contentLength(head)); err != nil {
			return err
		}
	}
	return nil
}

// runWorkload runs conns PTTH clients against addr, each answering the
// server's requests with body-byte bodies, and returns how long it took.
func runWorkload(b *testing.B, s *ptthServer, addr string, conns, body int) time.Duration {
	return concurrently(b, conns, func() error { return ptthClient(addr, s.n, body) }, s.done)
}

// concurrently runs conns clients at once and returns how long they took;
// with done, it also waits for one server result per client. Any error
// fails b.
func concurrently(b *testing.B, conns int, client func() error, done <-chan error) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- client()
		}()
	}
	wg.Wait()
	for range conns {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
		if done == nil {
			continue
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

func ptthClient(addr string, n, body int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	if _, err := io.WriteString(c, offer); err != nil {
		return err
	}
	if head, err := readHead(br); err != nil || !bytes.Contains(head, []byte(" 101 ")) {
		return fmt.Errorf("no 101: %q %v", head, err)
	}
	resp := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", body)), bytes.Repeat([]byte("x"), body)...)
	for i := 0; i < n; i++ {
		if _, err := readHead(br); err != nil {
			return fmt.Errorf("request %d: %w", i, err)
		}
		if _, err := c.Write(resp); err != nil {
			return err
		}
	}
	return nil
}

// readHead reads up to and including the empty line ending a message head.
func readHead(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if err != nil {
			return head, err
		}
		if len(line) <= 2 {
			return head, nil
		}
	}
}

func contentLength(head []byte) int64 {
	i := bytes.Index(head, []byte("Content-Length: "))
	if i < 0 {
		return 0
	}
	rest := head[i+16:]
	n, _ := strconv.ParseInt(string(rest[:bytes.IndexByte(rest, '\r')]), 10, 64)
	return n
}

// bareRelay is io.Copy both ways and nothing else. With userSpace, the
// copy goes through a buffer in user space (as any relay that looks at the
// bytes must) instead of letting the kernel splice socket to socket.
func bareRelay(b *testing.B, upstream string, userSpace bool) string {
	ln := listen(b)
	acceptEach(ln, func(c net.Conn) {
		up, err := net.Dial("tcp", upstream)
		if err != nil {
			c.Close()
			return
		}
		copyConn := func(dst, src net.Conn) {
			if userSpace {
				io.CopyBuffer(struct{ io.Writer }{dst}, struct{ io.Reader }{src}, make([]byte, 64<<10))
			} else {
				io.Copy(dst, src)
			}
		}
		go func() { copyConn(up, c); up.(*net.TCPConn).CloseWrite() }()
		copyConn(c, up)
		c.Close()
		up.Close()
	})
	return ln.Addr().String()
}

// acceptEach serves every connection ln accepts with handle, each on a
// goroutine of its own, until ln closes.
func acceptEach(ln net.Listener, handle func(net.Conn)) {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
}
