package export

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/capture/synth"
)

// A capture source keeps its exchanges packed and hands them over one at a
// time; what it exports must be what exporting every snapshot held as
// scanned gives, byte for byte, in every format and through a filter.
func TestCaptureSourceExportsWhatTheFileHolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ptthcap")
	// More exchanges than the store keeps unpacked, and a COMET session.
	if err := synth.Write(path, synth.Options{Exchanges: 6000}); err != nil {
		t.Fatal(err)
	}
	src, err := FromCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mem := NewMemory()
	if _, err := r.Scan(capture.Handler{Session: mem.PutSession, Exchange: mem.PutExchange}); err != nil {
		t.Fatal(err)
	}
	plain := &memoryWithChunks{mem, src}

	n := 0
	if err := EachExchange(src, func(*session.Exchange) error { n++; return nil }); err != nil || n != 6000 {
		t.Fatalf("EachExchange gave %d exchanges, %v", n, err)
	}
	ex := plain.Exchanges()
	some := Filter{Exchanges: []string{ex[4500].ID, ex[7].ID}}
	redactor := NewRedactor(RedactOptions{}) // the same masks both ways
	for _, f := range Formats {
		for _, o := range []Options{{}, {Filter: some}, {Redactor: redactor}} {
			var got, want bytes.Buffer
			if err := Write(&got, f, src, o); err != nil {
				t.Fatalf("%v from the capture source: %v", f, err)
			}
			if err := Write(&want, f, plain, o); err != nil {
				t.Fatalf("%v from memory: %v", f, err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%v (%+v): %d bytes from the capture source differ from %d bytes from memory", f, o, got.Len(), want.Len())
			}
		}
	}
}

// memoryWithChunks is a Memory whose chunks come from a capture source.
type memoryWithChunks struct {
	*Memory
	chunks Source
}

func (m *memoryWithChunks) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	return m.chunks.Chunks(fn)
}
