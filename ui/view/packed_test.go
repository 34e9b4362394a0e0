package view

import (
	"fmt"
	"testing"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/filter"
)

// TestPackedStoreFiltersLikePlainExchanges fills a store with enough
// exchanges that most are packed, some with their wire bytes on disk, and
// checks that every query matches the same rows there as over the same
// exchanges held as they are.
func TestPackedStoreFiltersLikePlainExchanges(t *testing.T) {
	src := generate(12_000)
	for i, e := range src.exchanges {
		if i%3 == 0 { // wire bytes on disk: free text sees heads, not bodies
			for _, m := range []*session.Message{e.Request, e.Response} {
				m.Ref = &session.RawRef{Off: int64(i), Len: int64(len(m.Raw))}
				m.Raw = nil
			}
		}
		if i%7 == 0 {
			e.Error = fmt.Sprintf("reset %d", i)
		}
	}
	st := store.New(nil)
	for i, e := range src.exchanges {
		if i%200 == 0 {
			st.PutSession(src.sessions[i/200])
		}
		st.PutExchange(e)
	}
	plain, packed := New(src), New(st)
	plain.Reload()
	packed.Reload()
	for _, expr := range []string{"", "dir:reverse status:>=400 method:POST", "transport:comet", "mediacontrol",
		"olleh", "/slideshow", "photo -playing", "-olleh", "content-type application/json", "reset", "hint:any",
		"is:carrier", "not-anywhere", "id:m13", "session:sess-00001", "1bd6ceeb status:404", "\"POST /queue\""} {
		q := filter.MustParse(expr)
		plain.SetFilter(q)
		packed.SetFilter(q)
		if plain.Matches() != packed.Matches() {
			t.Fatalf("%q: %d matches over plain exchanges, %d over the packed store", expr, plain.Matches(), packed.Matches())
		}
		for r := 0; r < len(src.exchanges); r++ {
			if plain.match.get(r) != packed.match.get(r) {
				t.Fatalf("%q: row %d matches %v plain, %v packed", expr, r, plain.match.get(r), packed.match.get(r))
			}
		}
		if plain.Len() != packed.Len() {
			t.Fatalf("%q: %d timeline rows plain, %d packed", expr, plain.Len(), packed.Len())
		}
	}
	if packed.Matches() == 0 {
		t.Fatal("the last query should match something")
	}
	e := packed.Row(5)
	if e == nil || e.ID != src.exchanges[5].ID || packed.RowOf(e.ID) != 5 || e.Request.Target != src.exchanges[5].Request.Target {
		t.Fatalf("row 5 of the packed store reads back as %+v", e)
	}
}

func TestRowKeepsItsSnapshotUntilTheRowChanges(t *testing.T) {
	src := generate(12_000)
	st := store.New(nil)
	sub := st.Subscribe()
	defer sub.Close()
	for i, e := range src.exchanges {
		if i%200 == 0 {
			st.PutSession(src.sessions[i/200])
		}
		st.PutExchange(e)
	}
	m := New(st)
	m.Reload()
	sub.Drain()
	first := m.Row(5)
	for i := 100; i < 8000; i++ { // decode enough others that the store forgets row 5's
		st.ExchangeAt(i)
	}
	if m.Row(5) != first || st.ExchangeAt(5) == first {
		t.Fatal("Row gave a new snapshot of an unchanged packed row (or the store still had it)")
	}
	changed := *src.exchanges[5]
	changed.Error = "reset"
	st.PutExchange(&changed)
	m.Apply(sub.Drain())
	if got := m.Row(5); got == first || got.Error != "reset" {
		t.Fatalf("Row after the row changed = %+v", got)
	}
}
