package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// layered writes a few records, then last, and returns the file's bytes
// and the offset where last starts.
func layered(t *testing.T, last func(w *Writer) error) ([]byte, int64) {
	t.Helper()
	w, path := create(t)
	must(t, w.Session(sampleSession("s1")))
	must(t, w.Chunk("s1", session.FromClient, t0, []byte("hello")))
	must(t, w.Exchange(sampleExchange("x1", "s1", []byte("body"))))
	must(t, w.Flush())
	fi, err := os.Stat(path)
	must(t, err)
	must(t, last(w))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	return data, fi.Size()
}

func TestTornTailAtEveryOffset(t *testing.T) {
	lasts := map[string]func(w *Writer) error{
		"exchange": func(w *Writer) error { return w.Exchange(sampleExchange("x2", "s1", []byte("more body"))) },
		"chunk":    func(w *Writer) error { return w.Chunk("s1", session.FromUpstream, t0, []byte("world, and more")) },
		"session":  func(w *Writer) error { return w.Session(sampleSession("s2")) },
	}
	for name, last := range lasts {
		data, start := layered(t, last)
		for _, withChunks := range []bool{true, false} {
			for cut := start; cut < int64(len(data)); cut++ {
				c := scanAll(t, writeFile(t, data[:cut]), withChunks)
				if got := strings.Join(c.order, " "); !strings.HasPrefix(got, "S:s1 ") || !strings.HasSuffix(got, " X:x1") {
					t.Fatalf("%s cut at %d: records %s", name, cut, got)
				}
				if len(c.exchanges) != 1 || len(c.sessions) != 1 || c.sum.Exchanges != 1 {
					t.Fatalf("%s cut at %d: summary %+v", name, cut, c.sum)
				}
				sameExchange(t, c.exchanges[0], sampleExchange("x1", "s1", []byte("body")))
				want := fmt.Sprintf("torn record at offset %d skipped (file ends mid-record)", start)
				if cut == start && len(c.sum.Warnings) != 0 || cut > start && (len(c.sum.Warnings) != 1 || c.sum.Warnings[0] != want) {
					t.Fatalf("%s cut at %d: warnings %q, want %q", name, cut, c.sum.Warnings, want)
				}
			}
		}
		c := scanAll(t, writeFile(t, data), true)
		if len(c.sum.Warnings) != 0 || len(c.order) != 4 {
			t.Fatalf("%s whole file: %v %v", name, c.order, c.sum.Warnings)
		}
	}
}

func TestCorruptionInTheMiddleResyncs(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(sampleSession("s1")))
	must(t, w.Exchange(sampleExchange("x1", "s1", nil)))
	bad := flushedSize(t, w, path)
	must(t, w.Exchange(sampleExchange("x2", "s1", nil)))
	next := flushedSize(t, w, path)
	must(t, w.Exchange(sampleExchange("x3", "s1", nil)))
	must(t, w.Chunk("s1", session.FromClient, t0, []byte("after")))
	must(t, w.Close())
	data, _ := os.ReadFile(path)

	for _, off := range []int64{bad, bad + 2, bad + 4, bad + 7, bad + 40, next - 1} { // length, kind, CRC, payload
		d := append([]byte(nil), data...)
		d[off] ^= 0x55
		c := scanAll(t, writeFile(t, d), true)
		if got := strings.Join(c.order, " "); got != "S:s1 X:x1 X:x3 C:s1" {
			t.Fatalf("flip at %d: records %s (warnings %q)", off, got, c.sum.Warnings)
		}
		want := fmt.Sprintf("corrupt data at offset %d skipped (%d bytes); reading resumed at offset %d", bad, next-bad, next)
		if len(c.sum.Warnings) != 1 || c.sum.Warnings[0] != want {
			t.Fatalf("flip at %d: warnings %q, want %q", off, c.sum.Warnings, want)
		}
	}
}

// A scan that skips chunk records without reading them (no Chunk handler)
// walks over them by their lengths. A wrong length there must cost that
// record only, as it does for a scan that checks every record, not send the
// walk into the middle of later records.
func TestWrongLengthInASkippedRecordCostsThatRecordOnly(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(sampleSession("s1")))
	must(t, w.Exchange(sampleExchange("x1", "s1", nil)))
	bad := flushedSize(t, w, path) // the chunk record whose length is damaged
	must(t, w.Chunk("s1", session.FromClient, t0, bytes.Repeat([]byte("c"), 3000)))
	next := flushedSize(t, w, path)
	for i := range 6 {
		must(t, w.Chunk("s1", session.FromUpstream, t0, bytes.Repeat([]byte("u"), 500)))
		must(t, w.Exchange(sampleExchange(fmt.Sprintf("x%d", i+2), "s1", nil)))
	}
	must(t, w.Close())
	data, _ := os.ReadFile(path)
	want := fmt.Sprintf("corrupt data at offset %d skipped (%d bytes); reading resumed at offset %d", bad, next-bad, next)
	for _, length := range []uint32{1000, 3200, 5000, 0} { // shorter, a little and a lot longer, empty
		d := bytes.Clone(data)
		binary.LittleEndian.PutUint32(d[bad:], length)
		path := writeFile(t, d)
		checked, skipped := scanAll(t, path, true), scanAll(t, path, false)
		if len(skipped.exchanges) != 7 || len(checked.exchanges) != 7 {
			t.Fatalf("length %d: %d exchanges skipping chunks, %d checking them; want 7", length, len(skipped.exchanges), len(checked.exchanges))
		}
		for _, c := range []*collected{checked, skipped} {
			if len(c.sum.Warnings) != 1 || c.sum.Warnings[0] != want || c.sum.Chunks != 6 || c.sum.Exchanges != 7 {
				t.Fatalf("length %d: summary %+v, want one warning %q and 6 chunks", length, c.sum, want)
			}
		}
	}
}

func TestCorruptTail(t *testing.T) {
	data, start := layered(t, func(w *Writer) error { return w.Exchange(sampleExchange("x2", "s1", nil)) })
	data[len(data)-3] ^= 1
	c := scanAll(t, writeFile(t, data), true)
	want := fmt.Sprintf("corrupt data from offset %d to the end of the file skipped (%d bytes)", start, int64(len(data))-start)
	if len(c.exchanges) != 1 || len(c.sum.Warnings) != 1 || c.sum.Warnings[0] != want {
		t.Fatalf("exchanges %d, warnings %q, want %q", len(c.exchanges), c.sum.Warnings, want)
	}
}

func TestHeaderErrors(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	cases := []struct {
		name string
		data []byte
		is   error
		says string
	}{
		{"png", png, ErrNotCapture, `not a PTTH Inspector capture (it starts with "\x89PNG\r\n\x1a\n"`},
		{"empty", nil, ErrNotCapture, "not a PTTH Inspector capture (the file is empty)"},
		{"short", []byte("PTTH"), ErrNotCapture, "only 4 bytes"},
		{"text", []byte("hello world, this is a text file"), ErrNotCapture, "not a PTTH Inspector capture"},
		{"version", []byte("PTTHCAP\x03rest"), ErrVersion, "format version 3, this build reads versions 1 to 2"},
		{"version 0", []byte("PTTHCAP\x00rest"), ErrVersion, "format version 0, this build reads versions 1 to 2"},
	}
	for _, tc := range cases {
		path := writeFile(t, tc.data)
		r, err := Open(path)
		if err == nil {
			r.Close()
			t.Fatalf("%s: Open succeeded", tc.name)
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) || !strings.Contains(err.Error(), path) {
			t.Fatalf("%s: error %q, want %v saying %q and naming %s", tc.name, err, tc.is, tc.says, path)
		}
	}
	if _, err := Open(writeFile(t, nil) + ".missing"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestRandomGarbage(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := range 50 {
		data := make([]byte, rng.Intn(4096))
		rng.Read(data)
		if _, err := Open(writeFile(t, data)); !errors.Is(err, ErrNotCapture) {
			t.Fatalf("garbage %d: Open error %v", i, err)
		}
		// The same garbage behind a valid header: warnings, never an error.
		path := writeFile(t, append([]byte(Magic+"\x01"), data...))
		c := scanAll(t, path, true)
		if len(data) > 0 && len(c.sum.Warnings) == 0 {
			t.Fatalf("garbage %d: no warning for %d bytes of garbage", i, len(data))
		}
	}
}

func TestWarningsAreCapped(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(&session.Session{ID: "s"}))
	for range 30 {
		must(t, w.Exchange(&session.Exchange{ID: "x"}))
		must(t, w.Chunk("s", session.FromClient, t0, []byte("spacer between damaged records")))
	}
	must(t, w.Close())
	data, _ := os.ReadFile(path)
	// Damage every exchange's kind byte: each becomes a separate resync.
	n := 0
	for off := fileHdrLen; off < len(data); {
		l := int(data[off]) | int(data[off+1])<<8 | int(data[off+2])<<16 | int(data[off+3])<<24
		if data[off+4] == kindExchange {
			data[off+4] = 'Z'
			n++
		}
		off += frameLen + l
	}
	c := scanAll(t, writeFile(t, data), true)
	if n != 30 || len(c.sum.Warnings) != maxWarnings+1 || c.sum.Warnings[maxWarnings] != "10 more warnings not shown" {
		t.Fatalf("%d damaged, warnings %d: %q", n, len(c.sum.Warnings), c.sum.Warnings)
	}
	if len(c.chunks) != 30 {
		t.Fatalf("%d chunks survived, want 30", len(c.chunks))
	}
}

func TestUndecodableRecordIsSkipped(t *testing.T) {
	w, path := create(t)
	x := sampleExchange("neg", "s", nil)
	x.Request.HeadLen = -1 // would make Body() panic if handed over
	must(t, w.Exchange(x))
	must(t, w.Exchange(sampleExchange("ok", "s", nil)))
	must(t, w.Close())
	c := scanAll(t, path, true)
	if len(c.exchanges) != 1 || c.exchanges[0].ID != "ok" || c.sum.Exchanges != 1 {
		t.Fatalf("exchanges %v", c.order)
	}
	if want := fmt.Sprintf("undecodable exchange record at offset %d skipped", fileHdrLen); len(c.sum.Warnings) != 1 || c.sum.Warnings[0] != want {
		t.Fatalf("warnings %q, want %q", c.sum.Warnings, want)
	}
}

// Damage inside a chunk's payload is the business of scans that read
// chunks; one that skips them neither warns nor loses the records around it,
// wherever in the file the chunk is.
func TestPayloadDamageInASkippedRecordIsNotTheSkippingScansConcern(t *testing.T) {
	for _, last := range []bool{false, true} {
		w, path := create(t)
		must(t, w.Session(sampleSession("s1")))
		must(t, w.Exchange(sampleExchange("x1", "s1", nil)))
		must(t, w.Chunk("s1", session.FromClient, t0, bytes.Repeat([]byte("c"), 3000)))
		if !last {
			must(t, w.Exchange(sampleExchange("x2", "s1", nil)))
		}
		must(t, w.Close())
		data, _ := os.ReadFile(path)
		data[bytes.LastIndex(data, []byte("ccc"))] = 'X'
		p := writeFile(t, data)
		skipped, checked := scanAll(t, p, false), scanAll(t, p, true)
		if len(skipped.sum.Warnings) != 0 || skipped.sum.Chunks != 1 {
			t.Fatalf("last %v: a scan skipping chunks says %+v", last, skipped.sum)
		}
		if len(checked.sum.Warnings) != 1 || checked.sum.Chunks != 0 || len(checked.exchanges) != len(skipped.exchanges) {
			t.Fatalf("last %v: a scan reading chunks says %+v", last, checked.sum)
		}
	}
}

// flushedSize flushes w and returns the size of its file: the offset of the
// next record it writes.
func flushedSize(t *testing.T, w *Writer, path string) int64 {
	t.Helper()
	must(t, w.Flush())
	fi, err := os.Stat(path)
	must(t, err)
	return fi.Size()
}
