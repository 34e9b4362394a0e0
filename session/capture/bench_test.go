package capture

import (
	"os"
	"strconv"
	"testing"
	"time"

	"ptth-inspector/session"
)

func smallExchange() *session.Exchange {
	req := "GET /events HTTP/1.1\r\nHost: example.test\r\nAccept: */*\r\n\r\n"
	resp := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
	return &session.Exchange{
		ID: "5f0c1d9e-8a7b-4c3d-9e2f-1a2b3c4d5e6f", Session: "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b", Seq: 3,
		Request: &session.Message{Method: "GET", Target: "/events", Proto: "HTTP/1.1",
			Headers: []session.Header{{Name: "Host", Value: "example.test"}, {Name: "Accept", Value: "*/*"}},
			Raw:     []byte(req), HeadLen: len(req), First: t0, Last: t0},
		Response: &session.Message{Proto: "HTTP/1.1", Status: 200, Reason: "OK",
			Headers: []session.Header{{Name: "Content-Type", Value: "text/plain"}, {Name: "Content-Length", Value: "5"}},
			Raw:     []byte(resp), HeadLen: len(resp) - 5, BodyLen: 5, First: t0, Last: t0.Add(time.Millisecond)},
	}
}

func BenchmarkWriteExchange(b *testing.B) {
	w, _ := create(b)
	defer w.Close()
	x := smallExchange()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := w.Exchange(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteChunk writes chunk records: small ones, and 64 KiB ones as
// a large body arrives, reporting the CPU the writer costs per MiB beside
// the time it takes.
func BenchmarkWriteChunk(b *testing.B) {
	for _, size := range []int{512, 64 << 10} {
		b.Run(strconv.Itoa(size)+"B", func(b *testing.B) {
			w, _ := create(b)
			defer w.Close()
			must(b, w.Session(&session.Session{ID: "s"}))
			chunk := make([]byte, size)
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			cpu0, _ := cpuTime()
			for b.Loop() {
				if err := w.Chunk("s", session.FromClient, t0, chunk); err != nil {
					b.Fatal(err)
				}
			}
			must(b, w.Flush())
			if cpu1, ok := cpuTime(); ok {
				mib := float64(b.N) * float64(size) / (1 << 20)
				b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/mib, "cpu-ms/MiB")
			}
		})
	}
}

func BenchmarkScan(b *testing.B) {
	w, path := create(b)
	x := smallExchange()
	chunk := make([]byte, 512)
	for i := range 20000 {
		id := "s" + strconv.Itoa(i/100)
		if i%100 == 0 {
			must(b, w.Session(&session.Session{ID: id, Started: t0}))
		}
		must(b, w.Chunk(id, session.FromClient, t0, chunk))
		must(b, w.Chunk(id, session.FromUpstream, t0, chunk))
		must(b, w.Exchange(x))
	}
	must(b, w.Close())
	fi, err := os.Stat(path)
	must(b, err)
	r, err := Open(path)
	must(b, err)
	defer r.Close()
	for _, tc := range []struct {
		name string
		h    Handler
	}{
		{"all", Handler{Session: func(*session.Session) {}, Exchange: func(*session.Exchange) {},
			Chunk: func(string, session.Side, time.Time, []byte) {}}},
		{"no-chunks", Handler{Session: func(*session.Session) {}, Exchange: func(*session.Exchange) {}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			for b.Loop() {
				if sum, err := r.Scan(tc.h); err != nil || sum.Exchanges != 20000 {
					b.Fatal(sum, err)
				}
			}
		})
	}
}
