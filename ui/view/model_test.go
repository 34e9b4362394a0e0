package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/filter"
)

var t0 = time.Date(2008, 5, 13, 20, 14, 45, 0, time.UTC)

func msg(method, target string, status int, at time.Duration, raw string) *session.Message {
	return &session.Message{Method: method, Target: target, Status: status, Proto: "HTTP/1.1",
		Raw: []byte(raw), First: t0.Add(at), Last: t0.Add(at + time.Millisecond)}
}

// seedStore records the seed upgrade: a forward upgrade, the flip, one
// reversed GET; and a second session with a COMET exchange and its carrier.
func seedStore(t testing.TB) (*store.Store, *store.Subscription) {
	st := store.New(nil)
	sub := st.Subscribe()
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Started: t0})
	st.PutExchange(&session.Exchange{ID: "up", Session: "s1", Seq: 1, Transport: session.PTTH,
		Request:  msg("POST", "/", 0, 0, "POST / HTTP/1.1\r\nUpgrade: PTTH/1.0\r\n\r\n"),
		Response: msg("", "", 101, 10*time.Millisecond, "HTTP/1.1 101 Switching Protocols\r\n\r\n")})
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Started: t0, State: session.StateFlipped,
		Flip: &session.Flip{At: t0.Add(11 * time.Millisecond), Token: "PTTH/1.0", Exchange: "up"}})
	st.PutExchange(&session.Exchange{ID: "rev", Session: "s1", Seq: 2, Direction: session.Reverse, Transport: session.PTTH,
		Request: msg("GET", "/", 0, 11*time.Millisecond, "GET / HTTP/1.1\r\n\r\n")})
	st.PutSession(&session.Session{ID: "s2", Client: "127.0.0.1:5001", Started: t0.Add(time.Second), State: session.StateComet})
	st.PutExchange(&session.Exchange{ID: "poll", Session: "s2", Seq: 1, Carries: []string{"ev"},
		Request:  msg("POST", "/", 0, time.Second, "POST / HTTP/1.1\r\n\r\n"),
		Response: msg("", "", 200, time.Second+time.Millisecond, "HTTP/1.1 200 OK\r\n\r\n{'message-id': 'xxx'}")})
	st.PutExchange(&session.Exchange{ID: "ev", Session: "s2", Seq: 2, Direction: session.Reverse, Transport: session.COMET,
		MessageID: "xxx", Carriers: []string{"poll"}, Request: msg("GET", "/", 0, time.Second+2*time.Millisecond, "")})
	return st, sub
}

// rows renders the visible timeline as exchange ids and "|" for a divider.
func rows(m *Model) string {
	var out []string
	for i := 0; i < m.Len(); i++ {
		it := m.Item(i)
		if it.Divider() {
			out = append(out, "|")
			continue
		}
		out = append(out, it.Exchange.ID)
	}
	return strings.Join(out, " ")
}

func TestModelFlipDividerAndOrder(t *testing.T) {
	st, sub := seedStore(t)
	m := New(st)
	if !m.Apply(sub.Drain()) {
		t.Fatal("Apply reported no change")
	}
	if got := rows(m); got != "up | rev poll ev" {
		t.Errorf("all sessions = %q", got)
	}
	m.Select(0)
	if got := rows(m); got != "up | rev" {
		t.Errorf("session 1 = %q", got)
	}
	if s := m.SelectedSession(); s.Exchanges() != 2 || s.S.Flip == nil {
		t.Errorf("session 1 info wrong: %+v", s)
	}
	m.Select(1)
	m.SetFold(true)
	if got := rows(m); got != "ev" {
		t.Errorf("folded session 2 = %q", got)
	}
	m.SetFold(false)
	if got := rows(m); got != "poll ev" {
		t.Errorf("unfolded session 2 = %q", got)
	}
}

func TestModelPendingCompletesInPlace(t *testing.T) {
	st, sub := seedStore(t)
	m := New(st)
	m.Apply(sub.Drain())
	m.Select(0)
	i := m.IndexOf(m.Item(2).Row)
	if it := m.Item(i); !it.Exchange.Pending() {
		t.Fatal("reverse GET should be pending")
	}
	done := *st.Exchange("rev")
	done.Response = msg("", "", 200, 20*time.Millisecond, "HTTP/1.1 200 OK\r\n\r\nrdlrow ,olleH")
	st.PutExchange(&done)
	m.Apply(sub.Drain())
	if it := m.Item(i); it.Exchange.ID != "rev" || it.Exchange.Pending() || it.Exchange.Response.Status != 200 {
		t.Errorf("row %d after completion: %+v", i, it.Exchange)
	}
	if m.Exchanges() != 4 || m.Len() != 3 {
		t.Errorf("counts after completion: %d exchanges, %d rows", m.Exchanges(), m.Len())
	}
	_, last := m.Span()
	if !last.Equal(t0.Add(21 * time.Millisecond)) {
		t.Errorf("span end %v, want the response's last byte", last)
	}
}

func TestModelFilterNarrowsRowsAndSessions(t *testing.T) {
	st, sub := seedStore(t)
	m := New(st)
	m.Apply(sub.Drain())
	m.SetFilter(filter.MustParse("transport:comet"))
	if got := rows(m); got != "ev" {
		t.Errorf("transport:comet rows = %q", got)
	}
	if got := m.SessionList(nil); len(got) != 1 || got[0] != 1 {
		t.Errorf("session list = %v, want only session 2", got)
	}
	if m.Matches() != 1 || m.Sessions()[1].Matches != 1 || m.Sessions()[0].Matches != 0 {
		t.Errorf("match counts: total %d, s1 %d, s2 %d", m.Matches(), m.Sessions()[0].Matches, m.Sessions()[1].Matches)
	}
	m.SetFilter(filter.MustParse("dir:reverse"))
	if got := rows(m); got != "| rev ev" {
		t.Errorf("dir:reverse rows = %q", got)
	}
	// A later exchange is filtered as it arrives.
	st.PutExchange(&session.Exchange{ID: "late", Session: "s1", Seq: 3, Direction: session.Reverse,
		Request: msg("GET", "/late", 0, 2*time.Second, "")})
	st.PutExchange(&session.Exchange{ID: "fwd", Session: "s1", Seq: 4,
		Request: msg("GET", "/fwd", 0, 3*time.Second, "")})
	m.Apply(sub.Drain())
	if got := rows(m); got != "| rev ev late" {
		t.Errorf("dir:reverse after arrivals = %q", got)
	}
	m.SetFilter(nil)
	if got := m.SessionList(nil); len(got) != 2 || m.Matches() != 6 {
		t.Errorf("no filter: sessions %v, matches %d", got, m.Matches())
	}
}

func TestModelClearedReloads(t *testing.T) {
	st, sub := seedStore(t)
	m := New(st)
	m.Apply(sub.Drain())
	m.Select(1)
	// s1 has ended; s2 is still live, so Clear keeps it (without exchanges).
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Started: t0, Ended: t0.Add(time.Minute)})
	st.Clear(true)
	m.Apply(sub.Drain())
	// The selected session (s2, index 1) is still there, now first.
	if m.Exchanges() != 0 || m.Len() != 0 || len(m.Sessions()) != 1 || m.Sessions()[0].S.ID != "s2" || m.Selected() != 0 {
		t.Errorf("after clear: %d exchanges, %d rows, %d sessions, sel %d", m.Exchanges(), m.Len(), len(m.Sessions()), m.Selected())
	}
	st.PutSession(&session.Session{ID: "s9", Started: t0})
	st.PutExchange(&session.Exchange{ID: "n", Session: "s9", Request: msg("GET", "/", 0, 0, "")})
	st.PutExchange(&session.Exchange{ID: "m", Session: "s2", Request: msg("GET", "/", 0, time.Second, "")})
	m.Apply(sub.Drain())
	if got := rows(m); got != "m" {
		t.Errorf("after clear and two exchanges, s2 selected: %q", got)
	}
	m.Select(AllSessions)
	if got := rows(m); got != "n m" {
		t.Errorf("after clear and two exchanges, all sessions: %q", got)
	}
}

func TestModelOutOfOrderArrivalsSortByStart(t *testing.T) {
	st := store.New(nil)
	sub := st.Subscribe()
	st.PutSession(&session.Session{ID: "s", Started: t0})
	for i, at := range []int{3, 1, 2, 5, 4} {
		st.PutExchange(&session.Exchange{ID: fmt.Sprint(at), Session: "s", Seq: i + 1,
			Request: msg("GET", "/", 0, time.Duration(at)*time.Millisecond, "")})
	}
	m := New(st)
	m.Apply(sub.Drain())
	if got := rows(m); got != "1 2 3 4 5" {
		t.Errorf("all = %q", got)
	}
	m.Select(0)
	if got := rows(m); got != "1 2 3 4 5" {
		t.Errorf("session = %q", got)
	}
}

func TestModelExchangeBeforeItsSession(t *testing.T) {
	st := store.New(nil)
	sub := st.Subscribe()
	st.PutExchange(&session.Exchange{ID: "e", Session: "later", Request: msg("GET", "/", 0, 0, "")})
	st.PutSession(&session.Session{ID: "later", Client: "10.0.0.1:1"})
	m := New(st)
	m.Apply(sub.Drain())
	if len(m.Sessions()) != 1 || m.Sessions()[0].S.Client != "10.0.0.1:1" || m.Sessions()[0].Exchanges() != 1 {
		t.Errorf("sessions: %+v", m.Sessions())
	}
}

// TestModelClearedFlipShowsInItsSessionOnly: after Clear, a live flipped
// session's divider (its upgrade cleared) does not land among other
// sessions' later rows in All sessions; in its own session it leads.
func TestModelClearedFlipShowsInItsSessionOnly(t *testing.T) {
	st, sub := seedStore(t)
	m := New(st)
	m.Apply(sub.Drain())
	st.Clear(true) // s1 and s2 are live: both stay, without exchanges
	st.PutExchange(&session.Exchange{ID: "other", Session: "s2", Request: msg("GET", "/", 0, time.Minute, "")})
	st.PutExchange(&session.Exchange{ID: "rev2", Session: "s1", Seq: 3, Direction: session.Reverse, Transport: session.PTTH,
		Request: msg("GET", "/", 0, 2*time.Minute, "")})
	m.Apply(sub.Drain())
	if got := rows(m); got != "other rev2" {
		t.Errorf("all sessions after clear: %q, want no divider below a later row", got)
	}
	m.Select(m.SessionIndexOf(m.RowOf("rev2")))
	if got := rows(m); got != "| rev2" {
		t.Errorf("the flipped session after clear: %q", got)
	}
}
