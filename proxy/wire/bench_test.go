package wire

import (
	"bytes"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// nop is a Handler that keeps nothing.
type nop struct{ n int }

func (*nop) NoBody(*session.Message) bool       { return false }
func (h *nop) Message(*session.Message)         { h.n++ }
func (*nop) Incomplete(*session.Message, error) {}
func (*nop) Broken(int64, error)                {}

const (
	benchReq  = "GET /api/v1/items?page=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: bench/1.0\r\nAccept: application/json\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n"
	benchResp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 27\r\nDate: Tue, 13 May 2008 20:14:45 GMT\r\nServer: bench\r\n\r\n{\"items\":[1,2,3],\"next\":3}\n"
)

// BenchmarkSmallPairs reads 64 pipelined GET requests and their 200
// responses per iteration, each side in one Feed.
func BenchmarkSmallPairs(b *testing.B) {
	req := []byte(strings.Repeat(benchReq, 64))
	resp := []byte(strings.Repeat(benchResp, 64))
	hq, hr := &nop{}, &nop{}
	rq, rr := NewReader(Requests, hq, Limits{}), NewReader(Responses, hr, Limits{})
	b.SetBytes(int64(len(req) + len(resp)))
	b.ReportAllocs()
	for b.Loop() {
		rq.Feed(req, t0)
		rr.Feed(resp, t0)
	}
	if hq.n != hr.n || hq.n == 0 {
		b.Fatalf("%d requests, %d responses", hq.n, hr.n)
	}
}

// bigBody returns a response with a 1 MiB body, plain or chunked in 8 KiB
// chunks.
func bigBody(chunked bool) []byte {
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	if !chunked {
		return append([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"), body...)
	}
	out := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
	for len(body) > 0 {
		out = append(out, "2000\r\n"...)
		out = append(append(out, body[:8192]...), "\r\n"...)
		body = body[8192:]
	}
	return append(out, "0\r\n\r\n"...)
}

// benchBig feeds in to a responses reader 32 KiB at a time.
func benchBig(b *testing.B, in []byte) {
	h := &nop{}
	r := NewReader(Responses, h, Limits{})
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		for p := in; len(p) > 0; {
			k := min(len(p), 32<<10)
			r.Feed(p[:k], t0)
			p = p[k:]
		}
	}
	if h.n == 0 {
		b.Fatal("no message")
	}
}

// BenchmarkBody1MiB reads a response with a 1 MiB Content-Length body.
func BenchmarkBody1MiB(b *testing.B) { benchBig(b, bigBody(false)) }

// BenchmarkChunked1MiB reads a response with a 1 MiB chunked body.
func BenchmarkChunked1MiB(b *testing.B) { benchBig(b, bigBody(true)) }

// BenchmarkByteAtATime reads GET requests fed one byte per Feed.
func BenchmarkByteAtATime(b *testing.B) {
	in := []byte(benchReq)
	h := &nop{}
	r := NewReader(Requests, h, Limits{})
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		for i := range in {
			r.Feed(in[i:i+1], t0)
		}
	}
}

// TestAllocsPerMessage guards the hot path: a message costs a handful of
// allocations however it is split, never one per byte or per line.
func TestAllocsPerMessage(t *testing.T) {
	req := []byte(strings.Repeat(benchReq, 16))
	r := NewReader(Requests, &nop{}, Limits{})
	r.Feed(req, t0) // warm the reusable buffers
	whole := testing.AllocsPerRun(20, func() { r.Feed(req, t0) }) / 16
	bytewise := testing.AllocsPerRun(5, func() {
		for i := range req {
			r.Feed(req[i:i+1], t0)
		}
	}) / 16
	if whole > 4 || bytewise > 4 {
		t.Errorf("allocations per message: %.1f fed whole, %.1f fed byte by byte; want at most 4", whole, bytewise)
	}
	body := bigBody(false)
	big := testing.AllocsPerRun(5, func() { benchFeed(r, body) })
	if big > 8 {
		t.Errorf("%.0f allocations for a 1 MiB body", big)
	}
}

func benchFeed(r *Reader, in []byte) {
	r.SetKind(Responses)
	for p := in; len(p) > 0; {
		k := min(len(p), 4<<10)
		r.Feed(p[:k], t0)
		p = p[k:]
	}
}
