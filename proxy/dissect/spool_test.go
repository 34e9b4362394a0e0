package dissect

import (
	"bytes"
	"fmt"
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
	tb.Helper()
	w, err := capture.Create(filepath.Join(tb.TempDir(), "c.ptthcap"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.Close() })
	st := store.New(w)
	return NewConn(st, NewCometBook(st), "10.0.0.1:5000", "up:80", time.Now()), st
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
