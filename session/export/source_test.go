package export

import (
	"strings"
	"testing"

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
