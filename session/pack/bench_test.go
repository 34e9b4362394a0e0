package pack

import (
	"bytes"
	"path/filepath"
	"testing"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/capture/synth"
)

// packedSynth packs n exchanges of a synthetic relay capture.
func packedSynth(b *testing.B, n int) (*Arena, []Ref) {
	path := filepath.Join(b.TempDir(), "s.ptthcap")
	if err := synth.Write(path, synth.Options{Exchanges: n, NoChunks: true}); err != nil {
		b.Fatal(err)
	}
	r, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	last := map[string]*session.Exchange{}
	var order []string
	if _, err := r.Scan(capture.Handler{Exchange: func(e *session.Exchange) {
		if last[e.ID] == nil {
			order = append(order, e.ID)
		}
		last[e.ID] = e
	}}); err != nil {
		b.Fatal(err)
	}
	a := New()
	refs := make([]Ref, len(order))
	for i, id := range order {
		refs[i] = a.Put(last[id])
	}
	return a, refs
}

// BenchmarkRead reads packed relay-shaped exchanges (bodies in memory) the
// ways the window does: decoded whole, decoded without headers (as Reload
// does), without headers and wire (as a filter's tokens do), and searched
// for a word that is in none of them (a free-text filter's worst case). It
// reports nanoseconds and packed bytes per exchange.
func BenchmarkRead(b *testing.B) {
	a, refs := packedSynth(b, 20_000)
	f := NewFinder(func(b []byte) bool { return bytes.Contains(b, []byte("nothing-like-this")) })
	for _, c := range []struct {
		name string
		read func(r Ref, v *View)
	}{
		{"view", func(r Ref, v *View) { a.View(r, v) }},
		{"view-no-headers", func(r Ref, v *View) { v.Skip = Headers; a.View(r, v) }},
		{"view-no-headers-or-wire", func(r Ref, v *View) { v.Skip = Headers | Wire; a.View(r, v) }},
		{"find", func(r Ref, v *View) { a.Find(r, f) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var v View
			n := 0
			for b.Loop() {
				for _, r := range refs {
					c.read(r, &v)
				}
				n += len(refs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/exchange")
			b.ReportMetric(float64(a.Bytes())/float64(len(refs)), "bytes/exchange")
		})
	}
}
