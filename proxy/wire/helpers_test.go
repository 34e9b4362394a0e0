package wire

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"ptth-inspector/session"
)

// t0 is the time every Feed of the comparison tests uses.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// event is one handler call, as recorded.
type event struct {
	what string // "msg", "incomplete" or "broken"
	m    *session.Message
	err  string
	off  int64 // Offset() when the event happened, or Broken's offset
	at   int64 // SyntaxError.At for "broken"
}

func (e event) String() string {
	if e.m == nil {
		return fmt.Sprintf("%s off=%d at=%d err=%q", e.what, e.off, e.at, e.err)
	}
	return fmt.Sprintf("%s off=%d err=%q %q raw=%q", e.what, e.off, e.err, e.m.StartLine(), e.m.Raw)
}

// recorder is a Handler that records every call. Hooks let tests act as
// the connection-level dissector would.
type recorder struct {
	r      *Reader
	events []event
	heads  []*session.Message // response heads passed to NoBody
	noBody func(m *session.Message) bool
	onMsg  func(r *Reader, m *session.Message)
}

func (h *recorder) NoBody(m *session.Message) bool {
	h.heads = append(h.heads, m)
	return h.noBody != nil && h.noBody(m)
}

func (h *recorder) Message(m *session.Message) {
	h.events = append(h.events, event{what: "msg", m: m, off: h.r.Offset()})
	if h.onMsg != nil {
		h.onMsg(h.r, m)
	}
}

func (h *recorder) Incomplete(m *session.Message, err error) {
	h.events = append(h.events, event{what: "incomplete", m: m, err: err.Error(), off: h.r.Offset()})
}

func (h *recorder) Broken(off int64, err error) {
	e := event{what: "broken", err: err.Error(), off: off}
	if se, ok := err.(*SyntaxError); ok {
		e.at = se.At
	}
	h.events = append(h.events, e)
}

// opts configures a run of a reader over a stream.
type opts struct {
	kind   Kind
	lim    Limits
	noBody func(m *session.Message) bool
	onMsg  func(r *Reader, m *session.Message)
	close  bool // call Close after the last byte
}

// newRec returns a reader and its recorder.
func newRec(o opts) (*Reader, *recorder) {
	h := &recorder{noBody: o.noBody, onMsg: o.onMsg}
	h.r = NewReader(o.kind, h, o.lim)
	return h.r, h
}

// run feeds in to a new reader in pieces of the given sizes (cycled; the
// whole stream at once when sizes is empty) and returns what it reported.
func run(o opts, in []byte, sizes ...int) []event {
	r, h := newRec(o)
	feedSizes(r, in, sizes)
	if o.close {
		r.Close(t0)
	}
	return h.events
}

// feedSizes feeds in to r in pieces of the given sizes, copying each piece
// into a fresh buffer that is scribbled over afterwards, so that a reader
// keeping a reference to p shows up as a wrong result.
func feedSizes(r *Reader, in []byte, sizes []int) {
	if len(sizes) == 0 {
		sizes = []int{len(in) + 1}
	}
	for i, k := 0, 0; i < len(in); k++ {
		n := min(max(sizes[k%len(sizes)], 1), len(in)-i)
		p := bytes.Clone(in[i : i+n])
		r.Feed(p, t0)
		for j := range p {
			p[j] = 'X'
		}
		i += n
	}
}

// sameEvents fails unless a and b report the same messages, errors and
// offsets.
func sameEvents(t testing.TB, what string, a, b []event) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d events, want %d:\n%v\nwant\n%v", what, len(b), len(a), b, a)
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.what != y.what || x.off != y.off || x.at != y.at || x.what == "incomplete" && x.err != y.err {
			t.Fatalf("%s: event %d is %v, want %v", what, i, y, x)
		}
		if !reflect.DeepEqual(x.m, y.m) {
			t.Fatalf("%s: event %d message differs:\n%+v\nwant\n%+v", what, i, y.m, x.m)
		}
	}
}

// checkInvariants asserts what must hold for every event of a run over in.
func checkInvariants(t testing.TB, in []byte, o opts, evs []event) {
	t.Helper()
	lim := o.lim.withDefaults()
	for i, e := range evs {
		if e.m == nil {
			continue
		}
		m := e.m
		if m.HeadLen > len(m.Raw) || m.HeadLen == 0 {
			t.Fatalf("event %d: HeadLen %d, Raw %d bytes", i, m.HeadLen, len(m.Raw))
		}
		if hmax := lim.MaxHeaderBytes + lim.MaxLine + 2; m.HeadLen > hmax {
			t.Fatalf("event %d: head of %d bytes kept, limit %d", i, m.HeadLen, hmax)
		}
		if int64(len(m.Raw)-m.HeadLen) > lim.MaxBody {
			t.Fatalf("event %d: %d body bytes kept, limit %d", i, len(m.Raw)-m.HeadLen, lim.MaxBody)
		}
		if e.what != "msg" || m.Truncated {
			continue
		}
		if e.off < int64(len(m.Raw)) || !bytes.Equal(m.Raw, in[e.off-int64(len(m.Raw)):e.off]) {
			t.Fatalf("event %d: Raw %q is not the stream bytes before offset %d", i, m.Raw, e.off)
		}
		body, err := m.Body()
		if err != nil || int64(len(body)) != m.BodyLen {
			t.Fatalf("event %d: Body() = %d bytes, %v; BodyLen %d", i, len(body), err, m.BodyLen)
		}
	}
}

// crlf turns "\n" into "\r\n".
func crlfs(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// held returns how many bytes the reader holds: its buffers and the
// message in progress.
func (r *Reader) held() int {
	n := cap(r.pbuf) + cap(r.lbuf) + cap(r.hbuf) + cap(r.spans)*int(unsafe.Sizeof(span{}))
	if r.m != nil {
		n += cap(r.m.Raw)
	}
	return n
}
