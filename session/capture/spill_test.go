package capture

import (
	"bytes"
	"testing"

	"ptth-inspector/session"
)

// TestSpillKeepsLargeBytesOnDisk writes exchanges with large messages through
// Spill: what stays in memory points into the file and reads back exactly,
// also when the request was already on disk when the response arrived.
func TestSpillKeepsLargeBytesOnDisk(t *testing.T) {
	w, _ := create(t)
	must(t, w.Session(sampleSession("s1")))
	big := bytes.Repeat([]byte("x"), InlineRaw+100)
	e := sampleExchange("e1", "s1", big)
	e.Request = sampleMessage(true, big, t0)
	kept, err := w.Spill(e)
	must(t, err)
	if kept.Request.Raw != nil || kept.Request.Ref == nil || kept.Response.Ref == nil {
		t.Fatalf("large messages stayed in memory: %+v", kept.Request)
	}
	// The response completes later: the request is already only on disk.
	later := *kept
	later.Response = e.Response
	kept2, err := w.Spill(&later)
	must(t, err)
	for i, pair := range [][2]*session.Message{{kept.Request, e.Request}, {kept.Response, e.Response}, {kept2.Response, e.Response}} {
		got, err := pair[0].Wire()
		if err != nil || !bytes.Equal(got, pair[1].Raw) {
			t.Fatalf("message %d read back %d bytes (%v), want %d", i, len(got), err, len(pair[1].Raw))
		}
	}
}
