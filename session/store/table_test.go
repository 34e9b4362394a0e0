package store

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"testing"
	"time"

	"ptth-inspector/session"
)

var t0 = time.Date(2008, 5, 13, 20, 14, 45, 0, time.UTC)

func numbered(i int, status int) *session.Exchange {
	e := &session.Exchange{ID: fmt.Sprintf("e%d", i), Session: fmt.Sprintf("s%d", i%3), Seq: i,
		Request: &session.Message{Method: "GET", Target: fmt.Sprintf("/n/%d", i), Proto: "HTTP/1.1",
			Headers: []session.Header{{Name: "Host", Value: "h"}}, Raw: []byte("GET / HTTP/1.1\r\n\r\n"), First: t0.Add(time.Duration(i) * time.Second)}}
	if status != 0 {
		e.Response = &session.Message{Proto: "HTTP/1.1", Status: status, First: t0.Add(time.Duration(i)*time.Second + time.Millisecond)}
	}
	return e
}

// packingStore is a store that packs every exchange not put in its last
// four puts.
func packingStore() *Store {
	st := New(nil)
	st.ex.window = 4
	return st
}

func TestOldExchangesArePackedAndReadBack(t *testing.T) {
	st := packingStore()
	for i := 0; i < 20; i++ {
		st.PutExchange(numbered(i, 0))
		st.PutExchange(numbered(i, 200+i)) // response completes
	}
	st.PutExchange(numbered(3, 503)) // a packed one changes again
	if st.ex.hot[5] != nil || st.ex.hot[19] == nil || st.ex.hot[3] == nil {
		t.Fatal("expected old exchanges packed, the latest and the re-put one not")
	}
	for i := 0; i < 20; i++ {
		want := 200 + i
		if i == 3 {
			want = 503
		}
		e := st.Exchange(fmt.Sprintf("e%d", i))
		if e == nil || e.Seq != i || e.Response == nil || e.Response.Status != want || e.Request.Target != fmt.Sprintf("/n/%d", i) ||
			!e.Request.First.Equal(t0.Add(time.Duration(i)*time.Second)) || string(e.Request.Raw) != "GET / HTTP/1.1\r\n\r\n" {
			t.Fatalf("exchange %d read back as %+v", i, e)
		}
		if st.ExchangeAt(i) != e || st.Index(e.ID) != i {
			t.Fatalf("exchange %d: ExchangeAt or Index disagree with Exchange", i)
		}
	}
	if st.Exchange("nope") != nil || st.Index("nope") != -1 || st.ExchangeAt(20) != nil {
		t.Fatal("unknown exchanges found")
	}
	if got := st.SessionExchanges("s1"); len(got) != 7 || got[1].ID != "e4" {
		t.Fatalf("session s1 has %d exchanges", len(got))
	}
	if all := st.Exchanges(18); len(all) != 2 || all[0].ID != "e18" {
		t.Fatalf("Exchanges(18) = %d", len(all))
	}
}

func TestEachVisitsInOrderWithoutKeeping(t *testing.T) {
	st := packingStore()
	for i := 0; i < 3*eachBatch+5; i++ {
		st.PutExchange(numbered(i, 200))
	}
	next := 0
	st.Each(0, math.MaxInt, true, func(i int, e *session.Exchange) {
		if i != next || e.ID != fmt.Sprintf("e%d", i) || e.Response.Status != 200 || e.Request.Headers[0].Name != "Host" {
			t.Fatalf("Each gave %d %q, want %d", i, e.ID, next)
		}
		next++
	})
	if next != 3*eachBatch+5 {
		t.Fatalf("Each visited %d exchanges", next)
	}
	n := 0
	st.Each(eachBatch-1, eachBatch+1, false, func(i int, e *session.Exchange) {
		if e.Request.Headers != nil || e.Request.Target != fmt.Sprintf("/n/%d", i) {
			t.Fatalf("Each without headers gave %+v", e.Request)
		}
		n++
	})
	if n != 2 {
		t.Fatalf("Each over a range visited %d", n)
	}
}

func TestFilterSplitsTheTestForPackedExchanges(t *testing.T) {
	st := packingStore()
	for i := 0; i < 10; i++ {
		e := numbered(i, 200+i%2)
		if i == 3 {
			e.Request.Raw = []byte("PUT / HTTP/1.1\r\n\r\n")
		}
		st.PutExchange(e)
	}
	odd := func(e *session.Exchange) bool { return e.Response != nil && e.Response.Status == 201 }
	var matched, termsAsked []int
	m := Matcher{
		Match: func(e *session.Exchange) bool { return odd(e) && e.Request.Target != "/n/9" },
		Terms: func(e *session.Exchange) bool { termsAsked = append(termsAsked, e.Seq); return odd(e) },
		Words: []func([]byte) bool{func(b []byte) bool { return bytes.Contains(b, []byte("GET")) }},
	}
	st.Filter(0, math.MaxInt, m, func(i int) { matched = append(matched, i) })
	if fmt.Sprint(matched) != "[1 5 7]" {
		t.Fatalf("matched %v, want [1 5 7] (3 fails its word, 9 the whole test)", matched)
	}
	if fmt.Sprint(termsAsked) != "[0 1 2 4 5]" {
		t.Fatalf("Terms asked about %v: only packed exchanges whose words match", termsAsked)
	}
}

func TestIDsWhoseHashesClashStayApart(t *testing.T) {
	st := packingStore()
	st.PutExchange(numbered(1, 200))
	// Make "e2" hash to e1's slot, as a real clash would.
	st.ex.ids[maphash.String(st.ex.seed, "e2")] = 0
	st.PutExchange(numbered(2, 201))
	for i := 0; i < 10; i++ {
		st.PutExchange(numbered(10+i, 200))
	}
	if st.Index("e2") != 1 || st.Exchange("e2").Response.Status != 201 || st.Exchange("e1").Response.Status != 200 {
		t.Fatal("clashing ids mixed up")
	}
	st.PutExchange(numbered(2, 404))
	if st.Stats().Exchanges != 12 || st.Exchange("e2").Response.Status != 404 {
		t.Fatal("replacing a clashing id added it again or lost the change")
	}
}

func TestClearForgetsPackedExchanges(t *testing.T) {
	st := packingStore()
	for i := 0; i < 10; i++ {
		st.PutExchange(numbered(i, 200))
	}
	st.Clear(false)
	st.PutExchange(numbered(7, 200))
	if st.Stats().Exchanges != 1 || st.Index("e7") != 0 || st.Exchange("e1") != nil {
		t.Fatal("Clear kept exchanges")
	}
}
