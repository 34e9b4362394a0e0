package capture

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

func TestRoundTripEveryField(t *testing.T) {
	w, path := create(t)
	s := sampleSession("s1")
	x := sampleExchange("x1", "s1", []byte("pong"))
	pending := &session.Exchange{ID: "x2", Session: "s1", Seq: 2, Request: sampleMessage(true, nil, t0)}
	must(t, w.Session(s))
	must(t, w.Chunk("s1", session.FromClient, t0.Add(5), []byte("GET / HTTP/1.1\r\n")))
	must(t, w.Chunk("s1", session.FromUpstream, t0.Add(6), []byte("HTTP/1.1 200 OK\r\n")))
	must(t, w.Chunk("s1", session.FromUpstream, time.Time{}, nil))
	must(t, w.Exchange(x))
	must(t, w.Exchange(pending))
	must(t, w.Close())

	c := scanAll(t, path, true)
	if len(c.sum.Warnings) != 0 {
		t.Fatalf("warnings: %v", c.sum.Warnings)
	}
	if c.sum.Sessions != 1 || c.sum.Exchanges != 2 || c.sum.Chunks != 3 {
		t.Fatalf("summary %+v", c.sum)
	}
	if !reflect.DeepEqual(c.sessions[0], s) {
		t.Fatalf("session differs\n got %+v\nwant %+v", c.sessions[0], s)
	}
	sameExchange(t, c.exchanges[0], x)
	sameExchange(t, c.exchanges[1], pending)
	want := []chunkRec{
		{"s1", session.FromClient, t0.Add(5), []byte("GET / HTTP/1.1\r\n")},
		{"s1", session.FromUpstream, t0.Add(6), []byte("HTTP/1.1 200 OK\r\n")},
		{"s1", session.FromUpstream, time.Time{}, []byte{}},
	}
	for i, ch := range c.chunks {
		if ch.id != want[i].id || ch.side != want[i].side || !ch.t.Equal(want[i].t) || !bytes.Equal(ch.b, want[i].b) {
			t.Fatalf("chunk %d = %+v, want %+v", i, ch, want[i])
		}
	}
	if !c.chunks[2].t.IsZero() {
		t.Fatalf("zero time came back as %v", c.chunks[2].t)
	}
	if got := strings.Join(c.order, " "); got != "S:s1 C:s1 C:s1 C:s1 X:x1 X:x2" {
		t.Fatalf("order %s", got)
	}
}

// An exchange edited at a breakpoint keeps the request its sender sent:
// pending (never held back, since a held snapshot keeps only its request)
// and complete, small and larger than a scan's window.
func TestEditedExchangeKeepsItsOriginal(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(sampleSession("s1")))
	edited := sampleExchange("x1", "s1", []byte("pong"))
	edited.Original = sampleMessage(true, []byte("the client's own body"), t0)
	pending := &session.Exchange{ID: "x2", Session: "s1", Seq: 2, Request: sampleMessage(true, nil, t0.Add(9)),
		Original: sampleMessage(true, bytes.Repeat([]byte("o"), 3<<20), t0)}
	must(t, w.Exchange(edited))
	must(t, w.Exchange(pending))
	must(t, w.Close())
	c := scanAll(t, path, false)
	if len(c.sum.Warnings) != 0 || c.sum.Exchanges != 2 {
		t.Fatalf("summary %+v", c.sum)
	}
	sameExchange(t, c.exchanges[0], edited)
	sameExchange(t, c.exchanges[1], pending)
}

func TestTimesRoundTripExactly(t *testing.T) {
	w, path := create(t)
	now := time.Now() // has a monotonic reading, which is dropped
	utc := time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC)
	must(t, w.Session(&session.Session{ID: "a", Started: now, Ended: utc}))
	must(t, w.Close())
	c := scanAll(t, path, false)
	got := c.sessions[0]
	if !got.Started.Equal(now) || got.Started.UnixNano() != now.UnixNano() || !got.Ended.Equal(utc) {
		t.Fatalf("times %v %v, want %v %v", got.Started, got.Ended, now, utc)
	}
}

func TestPendingSnapshotsAreHeldUntilAFlushAndKeepTheirPlace(t *testing.T) {
	w, path := create(t)
	pending := func(id string) *session.Exchange {
		return &session.Exchange{ID: id, Session: "s1", Request: sampleMessage(true, nil, t0)}
	}
	answered := func(id string) *session.Exchange {
		x := pending(id)
		x.Response = sampleMessage(false, []byte("done "+id), t0.Add(time.Second))
		return x
	}
	must(t, w.Exchange(pending("a")))
	must(t, w.Exchange(pending("b")))
	must(t, w.Exchange(answered("b"))) // b's pending snapshot is never written; a's goes first
	must(t, w.Exchange(pending("c")))
	must(t, w.Flush()) // c is still pending: written now
	must(t, w.Exchange(pending("d")))
	must(t, w.Exchange(answered("a")))
	must(t, w.Exchange(answered("c")))
	must(t, w.Close()) // d is still pending: written on close

	c := scanAll(t, path, false)
	if got := strings.Join(c.order, " "); got != "X:a X:b X:c X:d X:a X:c" {
		t.Fatalf("order %s", got)
	}
	want := []bool{true, false, true, true, false, false} // pending?
	for i, x := range c.exchanges {
		if x.Pending() != want[i] {
			t.Fatalf("record %d (%s) pending %v, want %v", i, x.ID, x.Pending(), want[i])
		}
	}
	if got, err := c.exchanges[1].Response.Body(); err != nil || string(got) != "done b" {
		t.Fatalf("b's answer %q %v", got, err)
	}
}

func TestRepeatedRecordsArriveInOrder(t *testing.T) {
	w, path := create(t)
	s := sampleSession("s1")
	s.Ended = time.Time{}
	must(t, w.Session(s))
	x := &session.Exchange{ID: "x1", Session: "s1", Request: sampleMessage(true, nil, t0)}
	must(t, w.Exchange(x))
	must(t, w.Flush()) // else the pending snapshot is never written (see pending.go)
	x2 := *x
	x2.Response = sampleMessage(false, []byte("done"), t0.Add(time.Second))
	must(t, w.Exchange(&x2))
	closed := *s
	closed.Ended = t0.Add(time.Minute)
	must(t, w.Session(&closed))
	must(t, w.Close())

	c := scanAll(t, path, false)
	if got := strings.Join(c.order, " "); got != "S:s1 X:x1 X:x1 S:s1" {
		t.Fatalf("order %s", got)
	}
	if !c.sessions[0].Live() || c.sessions[1].Live() {
		t.Fatal("session snapshots out of order")
	}
	if !c.exchanges[0].Pending() || c.exchanges[1].Response.Status != 200 {
		t.Fatal("exchange snapshots out of order")
	}
}

func TestFileMode0600(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	w, path := create(t)
	must(t, w.Close())
	must(t, os.Chmod(path, 0o644))
	w, err := Create(path) // truncating an existing file resets its mode too
	must(t, err)
	must(t, w.Close())
	fi, err := os.Stat(path)
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	if fi.Size() != int64(fileHdrLen) {
		t.Fatalf("size %d after truncating", fi.Size())
	}
	if w.Path() != path {
		t.Fatalf("Path %q", w.Path())
	}
}

func TestLargeRawComesBackByRef(t *testing.T) {
	for _, size := range []int{len(bigBody), 3 << 20} { // within and beyond the read window
		body := bytes.Repeat([]byte("x"), size)
		w, path := create(t)
		x := sampleExchange("big", "s", body)
		must(t, w.Exchange(x))
		must(t, w.Close())

		r, err := Open(path)
		must(t, err)
		var got *session.Exchange
		_, err = r.Scan(Handler{Exchange: func(e *session.Exchange) { got = e }})
		must(t, err)
		if got.Request.Ref != nil || got.Request.Raw == nil {
			t.Fatal("small request Raw not in memory")
		}
		resp := got.Response
		if resp.Raw != nil || resp.Ref == nil || resp.Ref.Len != int64(len(x.Response.Raw)) {
			t.Fatalf("large response Raw not by ref: raw %d ref %+v", len(resp.Raw), resp.Ref)
		}
		b, err := resp.Body()
		must(t, err)
		if !bytes.Equal(b, body) {
			t.Fatalf("Body() gave %d bytes, want %d", len(b), len(body))
		}
		wire, err := resp.Wire()
		must(t, err)
		if !bytes.Equal(wire, x.Response.Raw) {
			t.Fatal("Wire() differs")
		}
		must(t, r.Close())
		if _, err := resp.Wire(); err == nil {
			t.Fatal("Wire() after Close should fail")
		}
	}
}

func TestRefExchangeCanBeWrittenAgain(t *testing.T) {
	w, path := create(t)
	x := sampleExchange("big", "s", bigBody)
	must(t, w.Exchange(x))
	must(t, w.Close())
	c := scanAll(t, path, false)
	if c.exchanges[0].Response.Ref == nil {
		t.Fatal("expected a RawRef")
	}
	w2, path2 := create(t)
	must(t, w2.Exchange(c.exchanges[0])) // still by ref: read back from the first file
	must(t, w2.Close())
	c2 := scanAll(t, path2, false)
	sameExchange(t, c2.exchanges[0], x)
}

func TestLargeChunkSplitAndStreamed(t *testing.T) {
	w, path := create(t)
	big := bytes.Repeat([]byte("abcdefgh"), (maxChunk+3<<20)/8)
	must(t, w.Session(&session.Session{ID: "s"}))
	must(t, w.Chunk("s", session.FromUpstream, t0, big))
	must(t, w.Close())
	c := scanAll(t, path, true)
	if len(c.chunks) != 2 || len(c.chunks[0].b) != maxChunk {
		t.Fatalf("%d chunks", len(c.chunks))
	}
	if !bytes.Equal(append(c.chunks[0].b, c.chunks[1].b...), big) {
		t.Fatal("chunk bytes differ")
	}
}

func TestChunkBeforeSessionGetsIndex(t *testing.T) {
	w, path := create(t)
	must(t, w.Chunk("early", session.FromClient, t0, []byte("a")))
	must(t, w.Session(&session.Session{ID: "other"}))
	must(t, w.Session(&session.Session{ID: "early"}))
	must(t, w.Chunk("early", session.FromClient, t0, []byte("b")))
	must(t, w.Chunk("other", session.FromUpstream, t0, []byte("c")))
	must(t, w.Close())
	c := scanAll(t, path, true)
	if got := strings.Join(c.order, " "); got != "C:early S:other S:early C:early C:other" {
		t.Fatalf("order %s", got)
	}
	if len(c.sum.Warnings) != 0 || c.sum.Sessions != 2 {
		t.Fatalf("summary %+v", c.sum)
	}
}

func TestNilChunkHandlerSkipsChunks(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(&session.Session{ID: "s"}))
	for range 100 {
		must(t, w.Chunk("s", session.FromClient, t0, []byte("data")))
	}
	must(t, w.Exchange(&session.Exchange{ID: "x"}))
	must(t, w.Close())
	c := scanAll(t, path, false)
	if c.sum.Chunks != 100 || len(c.exchanges) != 1 || len(c.sum.Warnings) != 0 {
		t.Fatalf("summary %+v", c.sum)
	}
}

func TestProgress(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(&session.Session{ID: "s"}))
	for range 10 {
		must(t, w.Chunk("s", session.FromClient, t0, make([]byte, 1<<20)))
	}
	must(t, w.Close())
	fi, _ := os.Stat(path)
	r, err := Open(path)
	must(t, err)
	defer r.Close()
	var calls [][2]int64
	_, err = r.Scan(Handler{Progress: func(d, tot int64) { calls = append(calls, [2]int64{d, tot}) }})
	must(t, err)
	last := calls[len(calls)-1]
	if len(calls) < 3 || last != [2]int64{fi.Size(), fi.Size()} {
		t.Fatalf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] {
			t.Fatalf("progress went back: %v", calls)
		}
	}
}

func TestScanTwice(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(sampleSession("s")))
	must(t, w.Exchange(sampleExchange("x", "s", nil)))
	must(t, w.Close())
	r, err := Open(path)
	must(t, err)
	defer r.Close()
	for i := range 2 {
		n := 0
		sum, err := r.Scan(Handler{Exchange: func(*session.Exchange) { n++ }})
		must(t, err)
		if n != 1 || sum.Sessions != 1 {
			t.Fatalf("scan %d: %d exchanges, %+v", i, n, sum)
		}
	}
}

func TestConcurrentScans(t *testing.T) {
	w, path := create(t)
	must(t, w.Session(sampleSession("s")))
	for i := range 50 {
		must(t, w.Chunk("s", session.FromClient, t0, []byte{byte(i)}))
		must(t, w.Exchange(sampleExchange("x", "s", bigBody[:i*2000])))
	}
	must(t, w.Close())
	r, err := Open(path)
	must(t, err)
	defer r.Close()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var n, bytes int
			sum, err := r.Scan(Handler{
				Chunk: func(_ string, _ session.Side, _ time.Time, b []byte) { n += int(b[0]) },
				Exchange: func(e *session.Exchange) {
					b, err := e.Response.Body()
					if err != nil {
						errs <- err
					}
					bytes += len(b)
				},
			})
			if err == nil && (n != 49*50/2 || bytes != 49*50/2*2000 || sum.Exchanges != 50) {
				err = errors.New("concurrent scan saw different records")
			}
			errs <- err
		}()
	}
	for range 4 {
		must(t, <-errs)
	}
}

func TestStickyWriteError(t *testing.T) {
	w, _ := create(t)
	w.f.Close() // every later write to the file fails
	big := make([]byte, writeBuf+1)
	must(t, w.Session(&session.Session{ID: "s"}))
	err := w.Chunk("s", session.FromClient, t0, big)
	if err == nil {
		t.Fatal("write to a closed file succeeded")
	}
	if !errors.Is(w.Err(), os.ErrClosed) {
		t.Fatalf("Err() = %v", w.Err())
	}
	for _, e := range []error{w.Session(&session.Session{ID: "s"}), w.Exchange(&session.Exchange{}), w.Flush(), w.Close()} {
		if e == nil || e.Error() != err.Error() {
			t.Fatalf("later call returned %v, want the sticky %v", e, err)
		}
	}
}

func TestClosedWriter(t *testing.T) {
	w, _ := create(t)
	must(t, w.Close())
	if err := w.Exchange(&session.Exchange{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Exchange after Close: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}

func TestBackgroundFlush(t *testing.T) {
	w, path := create(t)
	defer w.Close()
	must(t, w.Exchange(sampleExchange("x", "s", nil)))
	deadline := time.Now().Add(2 * time.Second)
	for {
		r, err := Open(path)
		must(t, err)
		sum, err := r.Scan(Handler{})
		r.Close()
		must(t, err)
		if sum.Exchanges == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("exchange not flushed without Flush()")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
