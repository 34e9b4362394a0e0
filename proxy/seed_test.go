package proxy

import (
	"slices"
	"testing"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// row is what a test expects of one exchange.
type row struct {
	dir       session.Direction
	transport session.Transport
	method    string
	target    string
	status    int
	body      string // response body, "" to skip
	messageID string
}

func checkRows(t *testing.T, st *store.Store, want []row) []*session.Exchange {
	t.Helper()
	got := st.Exchanges(0)
	if len(got) != len(want) {
		for _, e := range got {
			t.Logf("exchange %d %v %v %+v -> %+v err=%q", e.Seq, e.Direction, e.Transport, e.Request, e.Response, e.Error)
		}
		t.Fatalf("got %d exchanges, want %d", len(got), len(want))
	}
	for i, w := range want {
		e := got[i]
		if e.Direction != w.dir || e.Transport != w.transport || e.MessageID != w.messageID {
			t.Errorf("exchange %d: %v %v id=%q, want %v %v id=%q", i, e.Direction, e.Transport, e.MessageID, w.dir, w.transport, w.messageID)
		}
		if e.Request == nil || e.Request.Method != w.method || e.Request.Target != w.target {
			t.Errorf("exchange %d: request %+v, want %s %s", i, e.Request, w.method, w.target)
			continue
		}
		if e.Response == nil || e.Response.Status != w.status {
			t.Errorf("exchange %d: response %+v (error %q), want status %d", i, e.Response, e.Error, w.status)
			continue
		}
		if w.body != "" {
			b, err := e.Response.Body()
			if err != nil || string(b) != w.body {
				t.Errorf("exchange %d: body %q (%v), want %q", i, b, err, w.body)
			}
		}
	}
	return got
}

func hintCodes(s *session.Session) []string {
	var out []string
	for _, h := range s.Hints {
		out = append(out, h.Code)
	}
	return out
}

func TestSeedUpgradeThroughRelay(t *testing.T) {
	st := play(t, loadTranscript(t, "testdata/seed-upgrade.transcript"))
	got := checkRows(t, st, []row{
		{session.Forward, session.PTTH, "POST", "/", 101, "", ""},
		{session.Reverse, session.PTTH, "GET", "/", 200, "rdlrow ,olleH\r\n", ""},
	})
	s := st.Sessions()[0]
	if s.State != session.StateFlipped || s.Flip == nil || s.Flip.Token != "PTTH/1.0" || s.Flip.Exchange != got[0].ID {
		t.Fatalf("session not flipped at the 101: %+v flip=%+v", s, s.Flip)
	}
	for _, code := range []string{session.HintNoConnectionUpgrade, session.HintContentLengthOn101} {
		if !slices.Contains(hintCodes(s), code) {
			t.Errorf("hints %v lack %s", hintCodes(s), code)
		}
	}
	if h := got[1].Request.Header("accept"); h != "text/plain;q=1,*/*;q=0" {
		t.Errorf("reversed request header accept = %q", h)
	}
}

func TestSeedCometThroughRelay(t *testing.T) {
	st := play(t, loadTranscript(t, "testdata/seed-comet.transcript"))
	got := checkRows(t, st, []row{
		{session.Forward, session.PTTH, "POST", "/", 200, "", ""},
		{session.Reverse, session.COMET, "GET", "/", 200, "rdlrow ,olleH", "xxx"},
		{session.Forward, session.HTTP, "POST", "/", 200, "{}", ""},
	})
	if s := st.Sessions()[0]; s.State != session.StateComet {
		t.Errorf("session state %v, want comet", s.State)
	}
	comet := got[1]
	if !slices.Equal(comet.Carriers, []string{got[0].ID, got[2].ID}) {
		t.Errorf("comet carriers %v, want the poll and the reply POST", comet.Carriers)
	}
	if !slices.Contains(got[0].Carries, comet.ID) || !slices.Contains(got[2].Carries, comet.ID) {
		t.Errorf("carriers do not link back: %v / %v", got[0].Carries, got[2].Carries)
	}
	if comet.Response.Reason != "OK" {
		t.Errorf("reason %q", comet.Response.Reason)
	}
}

func TestAirPlayReverseThroughRelay(t *testing.T) {
	st := play(t, loadTranscript(t, "testdata/airplay-reverse.transcript"))
	got := checkRows(t, st, []row{
		{session.Forward, session.PTTH, "POST", "/reverse", 101, "", ""},
		{session.Reverse, session.PTTH, "POST", "/event", 200, "", ""},
	})
	body, _ := got[1].Request.Body()
	if len(body) != 316 || got[1].Request.Header("Host") != "" {
		t.Errorf("event body %d bytes, host %q", len(body), got[1].Request.Header("Host"))
	}
	if s := st.Sessions()[0]; len(s.Hints) != 0 {
		t.Errorf("conforming AirPlay exchange got hints %v", hintCodes(s))
	}
}

// TestDraftExampleThroughRelay follows the shape of draft-lentczner-rhttp-00's
// exchange: the offer carries Connection: Upgrade, the 101 names PTTH/1.0, and
// the reversed request has an empty Host, as the draft prescribes. A
// conforming exchange earns no hints.
func TestDraftExampleThroughRelay(t *testing.T) {
	st := play(t, []step{
		c("POST /receiver HTTP/1.1\nHost: www.example.com\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 0\n\n"),
		u("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\nGET /hello HTTP/1.1\nHost:\n\n"),
		c("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 5\n\nhello"),
	})
	got := checkRows(t, st, []row{
		{session.Forward, session.PTTH, "POST", "/receiver", 101, "", ""},
		{session.Reverse, session.PTTH, "GET", "/hello", 200, "hello", ""},
	})
	if h := got[1].Request.Headers; len(h) != 1 || h[0].Name != "Host" || h[0].Value != "" {
		t.Errorf("reversed request headers %+v, want one empty Host", h)
	}
	if s := st.Sessions()[0]; len(s.Hints) != 0 || s.State != session.StateFlipped {
		t.Errorf("session %v hints %v", s.State, hintCodes(s))
	}
}
