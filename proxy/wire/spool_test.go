package wire

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

// memSpool is a Spool over the bytes fed so far, as a capture file's chunk
// records would be; lie changes what it gives back.
type memSpool struct {
	b    []byte
	miss bool // At finds nothing
	lie  bool // At reads back other bytes
}

func (s *memSpool) At(off int64) io.ReaderAt {
	if s.miss {
		return nil
	}
	return spoolAt{s, off}
}

type spoolAt struct {
	s   *memSpool
	off int64
}

func (a spoolAt) ReadAt(p []byte, off int64) (int, error) {
	start := a.off + off
	if start >= int64(len(a.s.b)) {
		return 0, io.EOF
	}
	n := copy(p, a.s.b[start:])
	if a.s.lie && n > 0 {
		p[0] ^= 1
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// feedSpooled is feedChecked with a spool that records every byte before
// the reader is fed it, as the relay records a chunk before dissecting it.
// Messages that spooled get their bytes back into Raw.
func feedSpooled(t *testing.T, o opts, sp *memSpool, in []byte, n int) (evs []event, spooled int) {
	t.Helper()
	r, h := newRec(o)
	r.SetSpool(sp, 16)
	for len(in) > 0 {
		k := len(in)
		if n > 0 {
			k = min(n, k)
		}
		sp.b = append(sp.b, in[:k]...)
		r.Feed(bytes.Clone(in[:k]), t0)
		for r.paused {
			r.Resume(t0)
		}
		in = in[k:]
	}
	r.Close(t0)
	for _, e := range h.events {
		if m := e.m; m != nil && m.Ref != nil {
			if m.Raw != nil {
				t.Fatalf("spooled message keeps %d bytes of Raw", len(m.Raw))
			}
			b, err := m.Wire()
			if err != nil {
				t.Fatalf("spooled message: %v", err)
			}
			m.Raw, m.Ref = b, nil
			spooled++
		}
	}
	return h.events, spooled
}

// sameSpooled fails unless a reader with a spool reports what one without
// reports: the same events and messages, except that a message cut at
// MaxBody without a spool may come whole with one.
func sameSpooled(t *testing.T, what string, plain, spooled []event) {
	t.Helper()
	if len(plain) != len(spooled) {
		t.Fatalf("%s: %d events, want %d:\n%v\nwant\n%v", what, len(spooled), len(plain), spooled, plain)
	}
	for i := range plain {
		x, y := plain[i], spooled[i]
		if x.what != y.what || x.off != y.off || x.at != y.at {
			t.Fatalf("%s: event %d is %v, want %v", what, i, y, x)
		}
		if x.m != nil && x.m.Truncated {
			continue
		}
		if !reflect.DeepEqual(x.m, y.m) {
			t.Fatalf("%s: event %d message differs:\n%+v\nwant\n%+v", what, i, y.m, x.m)
		}
	}
}

func TestSpooledMessagesMatch(t *testing.T) {
	big := strings.Repeat("0123456789", 40)
	streams := []struct {
		name string
		kind Kind
		in   string
	}{
		{"length", Responses, crlfs("HTTP/1.1 200 OK\nContent-Length: 400\n\n") + big + crlfs("HTTP/1.1 204 No Content\n\n")},
		{"chunked", Requests, crlfs("POST /x HTTP/1.1\nTransfer-Encoding: chunked\n\n190\n") + big + crlfs("\n0\nX-Sum: 1\n\nGET / HTTP/1.1\n\n")},
		{"close", Responses, crlfs("HTTP/1.0 200 OK\n\n") + big},
		{"cut in body", Responses, crlfs("HTTP/1.1 200 OK\nContent-Length: 900\n\n") + big},
		{"cut in trailer", Requests, crlfs("POST /x HTTP/1.1\nTransfer-Encoding: chunked\n\n190\n") + big + crlfs("\n0\nX-Su")},
		{"cut in size line", Requests, crlfs("POST /x HTTP/1.1\nTransfer-Encoding: chunked\n\n190\n") + big + crlfs("\n19")},
		{"after a small one", Responses, crlfs("\nHTTP/1.1 200 OK\nContent-Length: 2\n\nokHTTP/1.1 200 OK\nContent-Length: 400\n\n") + big},
	}
	for _, s := range streams {
		o := opts{kind: s.kind, close: true}
		for _, n := range []int{0, 1, 7, 100} {
			plain := feedChecked(t, o, []byte(s.in), n)
			got, spooled := feedSpooled(t, o, &memSpool{}, []byte(s.in), n)
			sameSpooled(t, s.name, plain, got)
			if spooled == 0 {
				t.Fatalf("%s in pieces of %d: nothing spooled", s.name, n)
			}
			for _, sp := range []*memSpool{{miss: true}, {lie: true}} {
				got, spooled := feedSpooled(t, o, sp, []byte(s.in), n)
				sameSpooled(t, s.name+" without a usable spool", plain, got)
				if spooled > 0 {
					t.Fatalf("%s: %d messages spooled to a spool that cannot give them back", s.name, spooled)
				}
			}
		}
	}
}

// A spooled message is not held in memory: Raw stays small whatever the
// body's size, and it is not cut at MaxBody.
func TestSpooledBodyNotHeld(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1<<20)
	in := append([]byte("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n"), body...)
	sp := &memSpool{}
	h := &recorder{}
	r := NewReader(Responses, h, Limits{MaxBody: 1000})
	h.r = r
	r.SetSpool(sp, 64<<10)
	for i := 0; i < len(in); i += 64 << 10 {
		p := in[i:min(i+64<<10, len(in))]
		sp.b = append(sp.b, p...)
		r.Feed(p, t0)
		if r.m != nil && cap(r.m.Raw) > 64<<10 {
			t.Fatalf("reader holds %d bytes of the message", cap(r.m.Raw))
		}
	}
	if len(h.events) != 1 {
		t.Fatalf("events %v", h.events)
	}
	m := h.events[0].m
	if m.Truncated || m.Ref == nil || m.Ref.Len != int64(len(in)) || m.BodyLen != 1<<20 {
		t.Fatalf("message %+v ref %+v", m, m.Ref)
	}
	b, err := m.Body()
	if err != nil || !bytes.Equal(b, body) {
		t.Fatalf("body read back: %d bytes, %v", len(b), err)
	}
}
