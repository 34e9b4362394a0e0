package export

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
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
	// More exchanges than the store keeps unpacked, and a COMET session.
	path, src := openWritten(t, func(path string) error { return synth.Write(path, synth.Options{Exchanges: 6000}) })
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

// A body left in a capture's chunk records and damaged on disk costs that
// body only: every format is written, the exchange says what is missing,
// and Warn hears of it once.
func TestDamagedBodyIsExportedWithoutItsBytes(t *testing.T) {
	_, src := openWritten(t, func(path string) error { return synth.SpooledBody(path, true) })
	for _, f := range Formats {
		for _, redact := range []bool{false, true} {
			var warnings []string
			o := Options{Warn: func(m string) { warnings = append(warnings, m) }}
			if redact {
				o.Redactor = NewRedactor(RedactOptions{})
			}
			var out bytes.Buffer
			if err := Write(&out, f, src, o); err != nil {
				t.Fatalf("%v (redact %v): the damaged body cost the whole export: %v", f, redact, err)
			}
			damagedExport(t, f, out.Bytes(), warnings)
		}
	}
}

// damagedExport checks one export of the damaged capture.
func damagedExport(t *testing.T, f Format, out []byte, warnings []string) {
	t.Helper()
	var want []string // what each warning must name, in order
	switch f {
	case Transcript:
		want = []string{"raw bytes: corrupt data at offset"} // written from the chunks
	case JSON:
		want = []string{"exchange x1: response bytes unreadable", "raw bytes: corrupt data at offset"}
	case HARFormat:
		want = []string{"exchange x1: response bytes unreadable"}
	} // curl and raw write requests only: the damaged response is not theirs
	if len(warnings) != len(want) {
		t.Fatalf("%v: warnings %q, want %d", f, warnings, len(want))
	}
	for i, w := range want {
		if !strings.Contains(warnings[i], w) {
			t.Fatalf("%v: warning %q, want it to say %q", f, warnings[i], w)
		}
	}
	if f != JSON {
		return
	}
	var doc struct {
		Exchanges []struct {
			ID       string
			Error    string
			Response *struct{ Status int }
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Exchanges) != 2 || !strings.Contains(doc.Exchanges[0].Error, "response bytes unreadable") ||
		doc.Exchanges[0].Response == nil || doc.Exchanges[0].Response.Status != 200 ||
		doc.Exchanges[1].Error != "" || doc.Exchanges[1].Response.Status != 204 {
		t.Fatalf("JSON export %+v", doc.Exchanges)
	}
}

// A JSON export read back into a Loaded (packed past 4096 exchanges) and
// written again is the same document.
func TestJSONThroughALoadedIsTheSameDocument(t *testing.T) {
	_, src := openWritten(t, func(path string) error { return synth.Write(path, synth.Options{Exchanges: 6000}) })
	var first, second bytes.Buffer
	if err := WriteJSON(&first, src, JSONOptions{}); err != nil {
		t.Fatal(err)
	}
	l := NewLoaded()
	if err := DecodeJSON(bytes.NewReader(first.Bytes()), l); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&second, l, JSONOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatalf("the document changed through a Loaded: %d bytes, then %d", first.Len(), second.Len())
	}
}

// openWritten has write make a capture file and opens it as a source
// (closed when the test ends).
func openWritten(t *testing.T, write func(path string) error) (string, *CaptureSource) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.ptthcap")
	if err := write(path); err != nil {
		t.Fatal(err)
	}
	src, err := FromCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return path, src
}
