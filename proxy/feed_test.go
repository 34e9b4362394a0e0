package proxy

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// chunkLog records the chunks a dissector hands its recorder, in order; a
// closed gate holds every Chunk call until it is opened.
type chunkLog struct {
	mu     sync.Mutex
	chunks []string
	gate   chan struct{}
}

func (l *chunkLog) PutSession(*session.Session)   {}
func (l *chunkLog) PutExchange(*session.Exchange) {}
func (l *chunkLog) Chunk(_ string, side session.Side, _ time.Time, b []byte) {
	if l.gate != nil {
		<-l.gate
	}
	l.mu.Lock()
	l.chunks = append(l.chunks, side.Marker()+string(b))
	l.mu.Unlock()
}

func (l *chunkLog) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.chunks...)
}

func TestFeederKeepsTheOrderTheRelaySawAcrossSides(t *testing.T) {
	log := &chunkLog{}
	f := newFeeder(dissect.NewConn(log, nil, "127.0.0.1:1", "127.0.0.1:2", time.Now()))
	var want []string
	for i := range 100 {
		side := session.Side(i % 3 % 2)
		b := f.buffer(side)
		n := copy(b[:], fmt.Sprintf("chunk %d", i))
		f.chunk(side, b, n, time.Now())
		want = append(want, side.Marker()+string(b[:n]))
	}
	f.sync()
	if got := log.got(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after sync the dissector saw\n%q\nwant\n%q", got, want)
	}
	f.end()
}

func TestFeederHoldsTheCopyWhenTheDissectorLagsAndLosesNothing(t *testing.T) {
	log := &chunkLog{gate: make(chan struct{})}
	f := newFeeder(dissect.NewConn(log, nil, "127.0.0.1:1", "127.0.0.1:2", time.Now()))
	copied := make(chan int, 1)
	go func() {
		n := 0
		for i := range 3 * chunksPerSide {
			b := f.buffer(session.FromClient)
			b[0] = byte(i)
			f.chunk(session.FromClient, b, 1, time.Now())
			n++
		}
		copied <- n
	}()
	select {
	case n := <-copied:
		t.Fatalf("the copy queued all %d chunks while the dissector was stuck", n)
	case <-time.After(50 * time.Millisecond):
	}
	close(log.gate)
	if n := <-copied; n != 3*chunksPerSide {
		t.Fatalf("copied %d chunks", n)
	}
	f.end()
	got := log.got()
	if len(got) != 3*chunksPerSide {
		t.Fatalf("dissected %d chunks, want %d", len(got), 3*chunksPerSide)
	}
	for i, c := range got {
		if !bytes.Equal([]byte(c), []byte{'>', byte(i)}) {
			t.Fatalf("chunk %d is %q: a buffer was reused before it was dissected", i, c)
		}
	}
}

func TestFeederEndDissectsWhatIsQueuedAndSyncAfterEndReturns(t *testing.T) {
	log := &chunkLog{}
	f := newFeeder(dissect.NewConn(log, nil, "127.0.0.1:1", "127.0.0.1:2", time.Now()))
	b := f.buffer(session.FromUpstream)
	n := copy(b[:], "last words")
	f.chunk(session.FromUpstream, b, n, time.Now())
	f.eof(session.FromUpstream, time.Now())
	f.end()
	f.sync() // a late Inject or LiveFlipped must not hang or panic
	if got := log.got(); len(got) != 1 || got[0] != "<last words" {
		t.Fatalf("dissected %q", got)
	}
}

func TestFeederSettlingIsCutShortByWhoeverWaitsForIt(t *testing.T) {
	log := &chunkLog{}
	d := dissect.NewConn(log, nil, "127.0.0.1:1", "127.0.0.1:2", time.Now())
	// Only a flipped connection's dissector settles.
	d.Feed(session.FromClient, []byte(offer), time.Now())
	d.Feed(session.FromUpstream, []byte(accept), time.Now())
	if !d.Reversed() {
		t.Fatal("no flip")
	}
	log.chunks = nil
	// A settle of an hour: each step below would hang if it waited for it.
	f := startFeeder(d, time.Hour)
	queue := func(side session.Side, s string) {
		b := f.buffer(side)
		f.chunk(side, b, copy(b[:], s), time.Now())
	}
	queue(session.FromClient, "first")
	f.sync()
	if got := log.got(); len(got) != 1 || got[0] != ">first" {
		t.Fatalf("after sync the dissector saw %q", got)
	}
	// Running out of buffers waits for the dissector, which must not settle.
	for i := range 2 * chunksPerSide {
		queue(session.FromUpstream, fmt.Sprint(i))
	}
	queue(session.FromClient, "last")
	f.end()
	if got := log.got(); len(got) != 2+2*chunksPerSide || got[len(got)-1] != ">last" {
		t.Fatalf("after end the dissector saw %d chunks, last %q", len(got), got[len(got)-1])
	}
}
