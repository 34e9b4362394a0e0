package wire

import (
	"strings"
	"testing"
	"unsafe"

	"ptth-inspector/session"
)

// fuzzLim is small so that fuzzing reaches every limit.
var fuzzLim = Limits{MaxLine: 64, MaxHeaderBytes: 256, MaxBody: 128}

// heldBound is the most a reader may hold under lim: its line buffer, the
// head, the spans, the pause buffer and the message in progress, each
// allowing for slice growth.
func heldBound(lim Limits) int {
	lim = lim.withDefaults()
	head := lim.MaxHeaderBytes + lim.MaxLine + 2
	grow := func(n int) int { return 2*n + 64 }
	return grow(lim.MaxLine+1) + grow(head) + grow(head/2+1)*int(unsafe.Sizeof(span{})) +
		grow(lim.MaxHeaderBytes+int(lim.MaxBody)) + grow(head+int(lim.MaxBody))
}

// fuzzOpts reads like the dissector: flip on 101, HEAD-like NoBody, and,
// when pausing, a Pause after every POST and 101 that the feeder resumes.
func fuzzOpts(resp, pausing bool) opts {
	o := opts{lim: fuzzLim, close: true, noBody: isHead}
	if resp {
		o.kind = Responses
	}
	o.onMsg = func(r *Reader, m *session.Message) {
		flipOn101(r, m)
		if pausing && (m.Method == "POST" || m.Status == 101) {
			r.Pause()
		}
	}
	return o
}

// feedChecked feeds in n bytes at a time (whole when n is 0), resuming
// after each Feed and checking after each that the reader's memory stays
// within its bound.
func feedChecked(t *testing.T, o opts, in []byte, n int) []event {
	r, h := newRec(o)
	bound := heldBound(o.lim)
	for len(in) > 0 {
		k := len(in)
		if n > 0 {
			k = min(n, k)
		}
		r.Feed(in[:k], t0)
		for r.paused {
			r.Resume(t0)
		}
		if got := r.held(); got > bound {
			t.Fatalf("reader holds %d bytes, bound %d", got, bound)
		}
		in = in[k:]
	}
	r.Close(t0)
	return h.events
}

func FuzzReader(f *testing.F) {
	for _, cs := range [][]tcase{requestCases, brokenRequestCases, limitCases} {
		for _, c := range cs {
			f.Add([]byte(c.in), false, uint8(3))
		}
	}
	for _, cs := range [][]tcase{responseCases, brokenResponseCases} {
		for _, c := range cs {
			f.Add([]byte(c.in), true, uint8(5))
		}
	}
	for _, segs := range seeds {
		var side [2]string
		for _, s := range segs {
			side[b2i(s.up)] += s.b
		}
		f.Add([]byte(side[0]), false, uint8(7))
		f.Add([]byte(side[1]), true, uint8(7))
	}
	f.Add([]byte(switch0+eventReq+offer+getReq), true, uint8(2))
	f.Add([]byte(strings.Repeat("\r\n", 10)+offer+postReq+getReq), false, uint8(11))
	f.Fuzz(func(t *testing.T, in []byte, resp bool, step uint8) {
		pausing := len(in) <= fuzzLim.MaxHeaderBytes+int(fuzzLim.MaxBody)
		o := fuzzOpts(resp, pausing)
		whole := feedChecked(t, o, in, 0)
		checkInvariants(t, in, o, whole)
		sameEvents(t, "byte at a time", whole, feedChecked(t, o, in, 1))
		sameEvents(t, "pieces", whole, feedChecked(t, o, in, int(step)+1))
		if pausing {
			sameEvents(t, "without pauses", whole, feedChecked(t, fuzzOpts(resp, false), in, 0))
		}
		spooled, _ := feedSpooled(t, o, &memSpool{}, in, int(step)+1)
		sameSpooled(t, "spooled", whole, spooled)
	})
}
