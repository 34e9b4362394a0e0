package wire

import (
	"bytes"
	"strings"
	"testing"
)

// feedRepeat feeds p to r n times, failing as soon as the reader holds
// more than bound bytes.
func feedRepeat(t *testing.T, r *Reader, p []byte, n, bound int) {
	t.Helper()
	for i := range n {
		r.Feed(p, t0)
		if got := r.held(); got > bound {
			t.Fatalf("after %d bytes the reader holds %d bytes, bound %d", (i+1)*len(p), got, bound)
		}
	}
}

func TestMemoryBoundedByLimits(t *testing.T) {
	lim := Limits{MaxLine: 1 << 10, MaxHeaderBytes: 8 << 10, MaxBody: 64 << 10}
	bound := heldBound(lim)
	k4 := bytes.Repeat([]byte("a"), 4<<10)

	t.Run("endless header line", func(t *testing.T) {
		r, h := newRec(opts{lim: lim})
		r.Feed([]byte("GET / HTTP/1.1\r\nX-Endless: "), t0)
		feedRepeat(t, r, k4, 2048, bound) // 8 MiB
		r.Feed([]byte("\r\n\r\n"), t0)
		if len(h.events) != 1 || !h.events[0].m.Truncated || len(h.events[0].m.Headers[0].Value) != 1024-len("X-Endless: ") {
			t.Fatalf("events %v", h.events)
		}
		if want := int64(len("GET / HTTP/1.1\r\nX-Endless: ")+8<<20) + 4; r.Offset() != want {
			t.Errorf("Offset %d, want %d", r.Offset(), want)
		}
	})
	t.Run("endless body read until close", func(t *testing.T) {
		r, h := newRec(opts{kind: Responses, lim: lim})
		r.Feed([]byte("HTTP/1.0 200 OK\r\n\r\n"), t0)
		feedRepeat(t, r, k4, 4096, bound) // 16 MiB
		r.Close(t0)
		m := h.events[0].m
		if len(h.events) != 1 || m.BodyLen != 16<<20 || len(m.Raw)-m.HeadLen != 64<<10 || !m.Truncated {
			t.Fatalf("events %v", h.events)
		}
	})
	t.Run("endless chunked body", func(t *testing.T) {
		r, h := newRec(opts{kind: Responses, lim: lim})
		r.Feed([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), t0)
		feedRepeat(t, r, append([]byte("1000;ext=1\r\n"), append(k4, "\r\n"...)...), 4096, bound)
		r.Close(t0)
		if len(h.events) != 1 || h.events[0].what != "incomplete" || h.events[0].m.BodyLen != 16<<20 {
			t.Fatalf("events %v", h.events)
		}
	})
	t.Run("endless pipeline", func(t *testing.T) {
		r, h := newRec(opts{lim: lim})
		feedRepeat(t, r, []byte(strings.Repeat(getReq+postReq, 10)), 1000, bound)
		if len(h.events) != 20000 || r.held() > 2*(len(getReq)+len(postReq)) {
			t.Fatalf("%d messages, %d bytes held", len(h.events), r.held())
		}
	})
	t.Run("endless empty lines", func(t *testing.T) {
		r, h := newRec(opts{lim: lim})
		feedRepeat(t, r, bytes.Repeat([]byte("\r\n"), 2<<10), 1024, bound)
		if len(h.events) != 0 || r.Offset() != 4<<20 || r.held() > 0 {
			t.Fatalf("events %v, offset %d, held %d", h.events, r.Offset(), r.held())
		}
	})
	t.Run("endless garbage", func(t *testing.T) {
		r, h := newRec(opts{lim: lim})
		feedRepeat(t, r, k4, 1024, bound)
		if len(h.events) != 1 || h.events[0].what != "broken" || r.held() != 0 {
			t.Fatalf("events %v, held %d", h.events, r.held())
		}
	})
	t.Run("endless small headers", func(t *testing.T) {
		r, h := newRec(opts{lim: lim})
		r.Feed([]byte("GET / HTTP/1.1\r\n"), t0)
		feedRepeat(t, r, []byte("a\n"), 1<<20, bound)
		if len(h.events) != 1 || h.events[0].what != "broken" || !strings.Contains(h.events[0].err, "head longer") {
			t.Fatalf("events %v", h.events)
		}
	})
}

func TestNeverRetainsFeedBuffer(t *testing.T) {
	// feedSizes scribbles over each piece after Feed; the messages must
	// still hold the original bytes.
	in := []byte(getReq + "GET /x HTTP/1.1\r\nHost: y\r\nContent-Length: 4\r\n\r\nbody")
	for _, n := range []int{1, 3, 10, len(in)} {
		r, h := newRec(opts{close: true})
		feedSizes(r, in, []int{n})
		r.Close(t0)
		if len(h.events) != 2 || string(h.events[1].m.Raw) != string(in[len(getReq):]) ||
			h.events[1].m.Header("Host") != "y" || h.events[0].m.Target != "/index.html" {
			t.Fatalf("pieces of %d: %v", n, h.events)
		}
	}
}
