package synth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
)

// scan reads a capture and keeps the last record of every exchange.
func scan(t *testing.T, path string) (capture.Summary, []*session.Session, map[string]*session.Exchange, []string) {
	t.Helper()
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var sessions []*session.Session
	exs := map[string]*session.Exchange{}
	var order []string
	sum, err := r.Scan(capture.Handler{
		Session: func(s *session.Session) { sessions = append(sessions, s) },
		Exchange: func(e *session.Exchange) {
			if exs[e.ID] == nil {
				order = append(order, e.ID)
			}
			exs[e.ID] = e
		},
		Chunk: func(string, session.Side, time.Time, []byte) {},
	})
	if err != nil || len(sum.Warnings) > 0 {
		t.Fatalf("scan: %v %v", err, sum.Warnings)
	}
	return sum, sessions, exs, order
}

func TestWriteLooksLikeTheRelay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synth.ptthcap")
	const n = 2 * 50 * PerSession // two COMET sessions among 100
	if err := Write(path, Options{Exchanges: n}); err != nil {
		t.Fatal(err)
	}
	sum, _, exs, order := scan(t, path)
	if len(order) != n {
		t.Fatalf("%d exchanges, want %d", len(order), n)
	}
	if sum.Chunks != 2*n {
		t.Fatalf("%d chunks, want one per message (%d)", sum.Chunks, 2*n)
	}
	if sum.Exchanges < n || sum.Exchanges > n+n/10 {
		// As from the relay: a pending snapshot answered before the
		// next flush is never written; a few are (a flush came between,
		// or a COMET poll was rewritten).
		t.Fatalf("%d exchange records for %d exchanges, want about one each", sum.Exchanges, n)
	}
	var comet, reverse, hinted, notFound int
	for _, id := range order {
		e := exs[id]
		if e.Response == nil || len(e.ID) != 36 || len(e.Session) != 36 {
			t.Fatalf("exchange %+v is incomplete or lacks uuid ids", e)
		}
		for _, m := range []*session.Message{e.Request, e.Response} {
			if string(m.Raw[:m.HeadLen]) == "" || m.Header("Content-Length") == "" && m.IsRequest() && m.Method == "POST" {
				t.Fatalf("message %q lacks its head or Content-Length", m.Raw)
			}
		}
		if e.Direction == session.Reverse && e.Transport == session.PTTH {
			reverse++
			if k := len(e.Request.Headers); k < 4 || k > 6 {
				t.Fatalf("reversed request with %d headers: %q", k, e.Request.Raw)
			}
			if k := len(e.Response.Headers); k < 3 || k > 4 {
				t.Fatalf("response with %d headers: %q", k, e.Response.Raw)
			}
		}
		if e.Transport == session.COMET {
			comet++
			if e.MessageID == "" || len(e.Carriers) != 2 || exs[e.Carriers[0]].Carries[0] != e.ID {
				t.Fatalf("COMET exchange %+v is not linked to its carriers", e)
			}
		}
		if len(e.Hints) > 0 {
			hinted++
		}
		if e.Response.Status == 404 {
			notFound++
		}
	}
	if comet == 0 || comet > n/50 || reverse < n*9/10 || hinted == 0 || notFound == 0 {
		t.Fatalf("mix off: %d COMET, %d reversed, %d hinted, %d 404 of %d", comet, reverse, hinted, notFound, n)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		if err := Write(p, Options{Exchanges: 500, NoChunks: true}); err != nil {
			t.Fatal(err)
		}
	}
	sa, _, ea, oa := scan(t, a)
	sb, _, eb, ob := scan(t, b)
	if sa.Chunks != 0 || sa.Exchanges != sb.Exchanges || len(oa) != 500 || oa[499] != ob[499] ||
		string(ea[oa[7]].Request.Raw) != string(eb[ob[7]].Request.Raw) {
		t.Fatal("two captures written with the same options differ")
	}
}

func TestTempWritesOnceAndCleanupRemoves(t *testing.T) {
	o := Options{Exchanges: 10, NoChunks: true}
	a, err := Temp(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Temp(o)
	if err != nil || a != b {
		t.Fatalf("second Temp gave %q (%v), want %q again", b, err, a)
	}
	Cleanup()
	if _, err := os.Stat(a); !os.IsNotExist(err) {
		t.Fatalf("%s still there after Cleanup (%v)", a, err)
	}
}
