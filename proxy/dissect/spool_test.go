package dissect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// recordingConn returns a Conn recording into a store over a new capture
// file, as the relay's connections do; the file is closed at cleanup.
func recordingConn(tb testing.TB) (*Conn, *store.Store) {
	c, st, _ := recordingConnTo(tb)
	return c, st
}

// recordingConnTo is recordingConn that also returns the capture writer.
func recordingConnTo(tb testing.TB) (*Conn, *store.Store, *capture.Writer) {
	tb.Helper()
	w, err := capture.Create(filepath.Join(tb.TempDir(), "c.ptthcap"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.Close() })
	st := store.New(w)
	return NewConn(st, NewCometBook(st), "10.0.0.1:5000", "up:80", time.Now()), st, w
}

// A large body read off a real network arrives a TCP segment at a time:
// it is still left in the chunk records it crossed in and written once,
// also past the 32 MiB a body kept in memory is cut at.
func TestBodyInSegmentsIsWrittenOnce(t *testing.T) {
	for _, tc := range []struct{ size, seg int }{{1 << 20, 1448}, {33 << 20, 4096}, {2 << 20, 256}} {
		c, st, w := recordingConnTo(t)
		c.Feed(session.FromClient, []byte("GET /big HTTP/1.1\r\nHost: up\r\n\r\n"), time.Now())
		resp := append(fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", tc.size), bytes.Repeat([]byte("z"), tc.size)...)
		for i := 0; i < len(resp); i += tc.seg {
			c.Feed(session.FromUpstream, resp[i:min(i+tc.seg, len(resp))], time.Now())
		}
		c.End(time.Now(), "")
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		exs := st.Exchanges(0)
		if len(exs) != 1 || exs[0].Response == nil || exs[0].Response.Ref == nil || exs[0].Response.Truncated {
			t.Fatalf("%d bytes in %d-byte reads: exchanges %+v", tc.size, tc.seg, exs)
		}
		fi, err := os.Stat(w.Path())
		if err != nil {
			t.Fatal(err)
		}
		// Each read is one chunk record: 9 bytes of frame and ~11 of head.
		if limit := int64(tc.size)*5/4 + int64(tc.size/tc.seg)*24; fi.Size() > limit {
			t.Fatalf("capture is %d bytes for a %d-byte response in %d-byte reads: the body was written more than once", fi.Size(), tc.size, tc.seg)
		}
		if got, err := exs[0].Response.Wire(); err != nil || !bytes.Equal(got, resp) {
			t.Fatalf("%d bytes in %d-byte reads read back: %v, equal %v", tc.size, tc.seg, err, bytes.Equal(got, resp))
		}
	}
}

// A body left in the capture is not read back whole to look for COMET in
// it when it is longer than MaxCometBody, even when it starts like JSON.
func TestLongJSONBodyNotReadBack(t *testing.T) {
	c, st := recordingConn(t)
	size := int64(MaxCometBody + 8<<20)
	piece := bytes.Repeat([]byte(" "), 1<<20)
	piece[0] = '{'
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c.Feed(session.FromClient, fmt.Appendf(nil, "POST /x HTTP/1.1\r\nHost: up\r\nContent-Length: %d\r\n\r\n", size), time.Now())
	for fed := int64(0); fed < size; fed += int64(len(piece)) {
		c.Feed(session.FromClient, piece, time.Now())
		piece[0] = ' '
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("dissecting a %d MiB body allocated %d MiB", size>>20, grew>>20)
	}
	exs := st.Exchanges(0)
	if len(exs) != 1 || exs[0].Request.Ref == nil || exs[0].Request.BodyLen != size {
		t.Fatalf("exchanges %+v", exs)
	}
}
