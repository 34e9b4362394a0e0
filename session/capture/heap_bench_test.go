package capture

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"ptth-inspector/session"
)

// BenchmarkOpenHeapPerExchange writes a capture of small reversed PTTH
// exchanges, opens it as the window does (keeping every exchange), and
// reports the live heap per exchange: a million must fit in well under 1 GiB.
func BenchmarkOpenHeapPerExchange(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "heap.ptthcap")
	w, err := Create(path)
	if err != nil {
		b.Fatal(err)
	}
	sess := &session.Session{ID: "5d8c1f2e-3b7a-4c69-9e0d-1a2b3c4d5e6f", Client: "127.0.0.1:50000", Upstream: "127.0.0.1:7000", Started: time.Now()}
	w.Session(sess)
	reqRaw := []byte("GET /status HTTP/1.1\r\nHost: 127.0.0.1:7000\r\nAccept: */*\r\nX-Apple-Session-ID: 1bd6ceeb-fffd-456c-a09c-996053a7a08c\r\n\r\n")
	respRaw := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	for i := 0; i < n; i++ {
		now := time.Now()
		e := &session.Exchange{ID: fmt.Sprintf("ex-%08d", i), Session: sess.ID, Seq: i + 1, Direction: session.Reverse, Transport: session.PTTH,
			Request: &session.Message{Method: "GET", Target: "/status", Proto: "HTTP/1.1", Raw: reqRaw, HeadLen: len(reqRaw), First: now, Last: now,
				Headers: []session.Header{{Name: "Host", Value: "127.0.0.1:7000"}, {Name: "Accept", Value: "*/*"}, {Name: "X-Apple-Session-ID", Value: "1bd6ceeb-fffd-456c-a09c-996053a7a08c"}}},
			Response: &session.Message{Proto: "HTTP/1.1", Status: 200, Reason: "OK", Raw: respRaw, HeadLen: len(respRaw) - 2, BodyLen: 2, First: now, Last: now,
				Headers: []session.Header{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "2"}}}}
		if err := w.Exchange(e); err != nil {
			b.Fatal(err)
		}
	}
	w.Close()
	b.ResetTimer()
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		kept := make([]*session.Exchange, 0, n)
		if _, err := r.Scan(Handler{Exchange: func(e *session.Exchange) { kept = append(kept, e) }}); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if len(kept) != n {
			b.Fatalf("read %d exchanges, want %d", len(kept), n)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heapB/exchange")
		runtime.KeepAlive(kept)
		r.Close()
	}
}

func TestInlineBudgetKeepsLaterMessagesOnDisk(t *testing.T) {
	w, path := create(t)
	s := sampleSession("s1")
	must(t, w.Session(s))
	var want []*session.Exchange
	for i := 0; i < 10; i++ {
		e := sampleExchange(fmt.Sprintf("e%d", i), "s1", []byte("small body"))
		must(t, w.Exchange(e))
		want = append(want, e)
	}
	must(t, w.Close())
	r, err := Open(path)
	must(t, err)
	defer r.Close()
	first := len(want[0].Request.Raw) + len(want[0].Response.Raw)
	r.InlineBudget = int64(3 * first) // room for three exchanges
	var got []*session.Exchange
	_, err = r.Scan(Handler{Exchange: func(e *session.Exchange) { got = append(got, e) }})
	must(t, err)
	for i, e := range got {
		inMem := e.Request.Raw != nil
		if inMem != (i < 3) {
			t.Fatalf("exchange %d in memory = %v", i, inMem)
		}
		for j, m := range []*session.Message{e.Request, e.Response} {
			b, err := m.Wire()
			orig := []*session.Message{want[i].Request, want[i].Response}[j]
			if err != nil || string(b) != string(orig.Raw) {
				t.Fatalf("exchange %d message %d bytes differ (%v)", i, j, err)
			}
		}
	}
}
