package store

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session"
)

type recordingSink struct {
	mu        sync.Mutex
	sessions  int
	exchanges int
	chunks    int
	fail      error
}

func (r *recordingSink) Session(*session.Session) error {
	r.mu.Lock()
	r.sessions++
	r.mu.Unlock()
	return r.fail
}
func (r *recordingSink) Exchange(*session.Exchange) error {
	r.mu.Lock()
	r.exchanges++
	r.mu.Unlock()
	return r.fail
}
func (r *recordingSink) Chunk(string, session.Side, time.Time, []byte) error {
	r.mu.Lock()
	r.chunks++
	r.mu.Unlock()
	return r.fail
}

func TestPutReplacesSnapshotsAndPublishes(t *testing.T) {
	sink := &recordingSink{}
	st := New(sink)
	sub := st.Subscribe()
	defer sub.Close()
	st.PutSession(&session.Session{ID: "s1", Started: time.Now()})
	ex := &session.Exchange{ID: "e1", Session: "s1", Seq: 1, Request: &session.Message{Method: "GET"}}
	st.PutExchange(ex)
	done := *ex
	done.Response = &session.Message{Status: 200}
	st.PutExchange(&done)
	st.Chunk("s1", session.FromClient, time.Now(), []byte("abc"))

	select {
	case <-sub.C():
	default:
		t.Fatal("subscriber was not signalled")
	}
	got := sub.Drain()
	kinds := []ChangeKind{SessionChanged, ExchangeAdded, ExchangeChanged}
	if len(got) != len(kinds) {
		t.Fatalf("changes %+v", got)
	}
	for i, k := range kinds {
		if got[i].Kind != k {
			t.Errorf("change %d kind %v, want %v", i, got[i].Kind, k)
		}
	}
	if ex.Response != nil {
		t.Fatal("store changed the caller's first snapshot")
	}
	if e := st.Exchange("e1"); e.Response == nil || e.Response.Status != 200 {
		t.Fatalf("exchange not replaced: %+v", e)
	}
	if n := len(st.SessionExchanges("s1")); n != 1 {
		t.Fatalf("session has %d exchanges", n)
	}
	if s := st.Stats(); s.Exchanges != 1 || s.Sessions != 1 || s.Live != 1 || s.Bytes != 3 {
		t.Fatalf("stats %+v", s)
	}
	st.PutSession(&session.Session{ID: "s1", Started: time.Now(), Ended: time.Now()})
	if s := st.Stats(); s.Live != 0 {
		t.Fatalf("live after end %d", s.Live)
	}
	if sink.sessions != 2 || sink.exchanges != 2 || sink.chunks != 1 {
		t.Fatalf("sink saw %+v", sink)
	}
}

func TestSlowSubscriberGetsClearedNotBlocking(t *testing.T) {
	st := New(nil)
	sub := st.Subscribe()
	for i := 0; i < maxPending+10; i++ {
		st.PutExchange(&session.Exchange{ID: strconv.Itoa(i), Session: "s"})
	}
	got := sub.Drain()
	if len(got) != 1 || got[0].Kind != Cleared {
		t.Fatalf("a subscriber that fell behind got %d changes, want one Cleared", len(got))
	}
	if st.Stats().Exchanges != maxPending+10 {
		t.Fatalf("store lost exchanges: %d", st.Stats().Exchanges)
	}
	if more := sub.Drain(); len(more) != 0 {
		t.Fatalf("second drain %+v", more)
	}
}

func TestSinkErrorIsKeptAndCaptureContinuesInMemory(t *testing.T) {
	boom := errors.New("disk full")
	st := New(&recordingSink{fail: boom})
	st.PutSession(&session.Session{ID: "s"})
	st.PutExchange(&session.Exchange{ID: "e", Session: "s"})
	if !errors.Is(st.Err(), boom) {
		t.Fatalf("Err() = %v", st.Err())
	}
	if st.Stats().Exchanges != 1 {
		t.Fatal("exchange lost after a sink error")
	}
}

func TestConcurrentPutsAndReads(t *testing.T) {
	st := New(nil)
	sub := st.Subscribe()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				id := strconv.Itoa(g*1000 + i)
				st.PutExchange(&session.Exchange{ID: id, Session: "s"})
			}
		}()
	}
	seen := 0
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	for running := true; running; {
		select {
		case <-sub.C():
			seen += len(sub.Drain())
		case <-stop:
			seen += len(sub.Drain())
			running = false
		}
		_ = st.Exchanges(0)
	}
	if seen != 2000 || st.Stats().Exchanges != 2000 {
		t.Fatalf("saw %d changes, store has %d", seen, st.Stats().Exchanges)
	}
}

func TestClearKeepsLiveSessionsAndNoExchanges(t *testing.T) {
	st := New(nil)
	t0 := time.Now()
	st.PutSession(&session.Session{ID: "live", Client: "10.0.0.1:5000", State: session.StateFlipped, Started: t0})
	st.PutSession(&session.Session{ID: "gone", Client: "10.0.0.2:5000", Started: t0, Ended: t0.Add(time.Second)})
	st.PutExchange(&session.Exchange{ID: "a", Session: "live"})
	st.PutExchange(&session.Exchange{ID: "b", Session: "gone"})
	st.Chunk("live", session.FromClient, t0, []byte("bytes"))
	st.Clear(true)
	if got := st.Stats(); got != (Stats{Sessions: 1, Live: 1}) {
		t.Fatalf("stats after Clear %+v", got)
	}
	if s := st.Session("live"); s == nil || s.Client != "10.0.0.1:5000" || s.State != session.StateFlipped {
		t.Fatalf("live session after Clear %+v", s)
	}
	if st.Session("gone") != nil || st.Exchange("a") != nil || len(st.SessionExchanges("live")) != 0 {
		t.Fatal("Clear kept an ended session or an exchange")
	}
	st.PutExchange(&session.Exchange{ID: "c", Session: "live"}) // the connection goes on
	if got := st.SessionExchanges("live"); len(got) != 1 || got[0].ID != "c" || st.Index("c") != 0 {
		t.Fatalf("after Clear the live session has %+v", got)
	}
	st.Clear(false) // a file's sessions that never ended are not live
	if got := st.Stats(); got != (Stats{}) {
		t.Fatalf("stats after Clear(false) %+v", got)
	}
}
