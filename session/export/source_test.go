package export

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

func TestFilter(t *testing.T) {
	fx := fixture(t)
	target := fx.Sessions()[1] // the COMET seed
	src, err := Filter{Sessions: []string{target.ID}}.Apply(fx)
	if err != nil {
		t.Fatal(err)
	}
	if s := src.Sessions(); len(s) != 1 || s[0].ID != target.ID {
		t.Fatalf("sessions %v", s)
	}
	var n int
	for _, e := range fx.Exchanges() {
		if e.Session == target.ID {
			n++
		}
	}
	if got := src.Exchanges(); len(got) != n || n < 3 {
		t.Fatalf("%d exchanges kept, want the session's %d", len(got), n)
	}
	for _, c := range chunkList(t, src) {
		if c.Session != target.ID {
			t.Fatalf("chunk of session %s kept", c.Session)
		}
	}
	if len(chunkList(t, src)) == 0 {
		t.Fatal("no chunks kept")
	}
	one := fx.Exchanges()[len(fx.Exchanges())-1]
	src, err = Filter{Exchanges: []string{one.ID}}.Apply(fx)
	if err != nil {
		t.Fatal(err)
	}
	if e := src.Exchanges(); len(e) != 1 || e[0].ID != one.ID || len(src.Sessions()) != 1 || src.Sessions()[0].ID != one.Session {
		t.Fatalf("exchange filter kept %v / %v", e, src.Sessions())
	}
	if _, err := (Filter{Sessions: []string{"nope"}}).Apply(fx); err == nil || !strings.Contains(err.Error(), `no session "nope"`) {
		t.Fatalf("unknown session: %v", err)
	}
	if _, err := (Filter{Exchanges: []string{"nope"}}).Apply(fx); err == nil || !strings.Contains(err.Error(), `no exchange "nope"`) {
		t.Fatalf("unknown exchange: %v", err)
	}
	if got, _ := (Filter{}).Apply(fx); got != Source(fx) {
		t.Fatal("the empty filter must keep the source as it is")
	}
}

func TestFromStore(t *testing.T) {
	fx := fixture(t)
	path := toCapture(t, fx)
	st := store.New(nil)
	for _, s := range fx.Sessions() {
		st.PutSession(s)
	}
	for _, e := range fx.Exchanges() {
		st.PutExchange(e)
	}
	sameSource(t, fx, FromStore(st, path), true)
	if c := chunkList(t, FromStore(st, "")); len(c) != 0 {
		t.Fatalf("%d chunks without a capture file", len(c))
	}
}

func TestFilterSinceKeepsWhatCameAfter(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)
	m := NewMemory()
	m.PutSession(&session.Session{ID: "old", Started: t0, Ended: t0.Add(time.Second)})
	m.PutSession(&session.Session{ID: "live", Started: t0})
	m.PutSession(&session.Session{ID: "quiet", Started: t0}) // live, nothing new
	at := func(d time.Duration) *session.Message {
		return &session.Message{Method: "GET", Target: "/", Proto: "HTTP/1.1", First: t0.Add(d), Last: t0.Add(d)}
	}
	m.PutExchange(&session.Exchange{ID: "before", Session: "old", Request: at(0)})
	m.PutExchange(&session.Exchange{ID: "before2", Session: "live", Request: at(time.Second)})
	m.PutExchange(&session.Exchange{ID: "after", Session: "live", Request: at(10 * time.Second)})
	m.Chunk("live", session.FromClient, t0.Add(time.Second), []byte("old bytes"))
	m.Chunk("live", session.FromClient, t0.Add(10*time.Second), []byte("new bytes"))
	got, err := Filter{Since: t0.Add(5 * time.Second)}.Apply(m)
	if err != nil {
		t.Fatal(err)
	}
	var ids, sess, chunks []string
	for _, e := range got.Exchanges() {
		ids = append(ids, e.ID)
	}
	for _, s := range got.Sessions() {
		sess = append(sess, s.ID)
	}
	got.Chunks(func(_ string, _ session.Side, _ time.Time, b []byte) error {
		chunks = append(chunks, string(b))
		return nil
	})
	if fmt.Sprint(ids, sess, chunks) != "[after] [live quiet] [new bytes]" {
		t.Fatalf("exchanges %v, sessions %v, chunks %v", ids, sess, chunks)
	}
}
