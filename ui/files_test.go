package ui

import (
	"fmt"
	"fyne.io/fyne/v2/test"
	"os"
	"path/filepath"
	"ptth-inspector/session/capture/synth"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/export"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

var t0 = time.Date(2008, 5, 13, 20, 14, 45, 0, time.UTC)

func message(raw string, at time.Duration) *session.Message {
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	lines := strings.Split(head, "\r\n")
	m := &session.Message{Raw: []byte(raw), HeadLen: len(head) + 4, BodyLen: int64(len(body)),
		First: t0.Add(at), Last: t0.Add(at + time.Millisecond)}
	f := strings.SplitN(lines[0], " ", 3)
	if strings.HasPrefix(f[0], "HTTP/") {
		m.Proto, m.Reason = f[0], f[2]
		fmt.Sscan(f[1], &m.Status)
	} else {
		m.Method, m.Target, m.Proto = f[0], f[1], f[2]
	}
	for _, l := range lines[1:] {
		n, v, _ := strings.Cut(l, ": ")
		m.Headers = append(m.Headers, session.Header{Name: n, Value: v})
	}
	return m
}

// seedRecords are the seed upgrade as the dissector records it.
func seedRecords() (*session.Session, []*session.Exchange) {
	s := &session.Session{ID: "s1", Client: "127.0.0.1:5000", Upstream: "127.0.0.1:9999", Started: t0,
		Ended: t0.Add(time.Second), State: session.StateFlipped,
		Flip: &session.Flip{At: t0.Add(5 * time.Millisecond), Token: "PTTH/1.0", Exchange: "up"}}
	up := &session.Exchange{ID: "up", Session: "s1", Seq: 1, Transport: session.PTTH,
		Request:  message("POST / HTTP/1.1\r\nHost: localhost:9999\r\nUpgrade: PTTH/1.0\r\n\r\n", 0),
		Response: message("HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nContent-Length: 0\r\n\r\n", 3*time.Millisecond)}
	rev := &session.Exchange{ID: "rev", Session: "s1", Seq: 2, Direction: session.Reverse, Transport: session.PTTH,
		Request:  message("GET / HTTP/1.1\r\nHost: 127.0.0.1:65331\r\n\r\n", 5*time.Millisecond),
		Response: message("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\nrdlrow ,olleH\r\n", 7*time.Millisecond)}
	return s, []*session.Exchange{up, rev}
}

func writeCapture(t *testing.T, path string) {
	w, err := capture.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	s, exs := seedRecords()
	w.Session(s)
	for _, e := range exs {
		w.Exchange(e)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenCaptureExportAndReopenJSON(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	dir := t.TempDir()
	path := filepath.Join(dir, "seed.ptthcap")
	writeCapture(t, path)
	h.in.openFile(path)
	if !h.in.loading() {
		t.Fatal("openFile should load in the background")
	}
	h.waitFor("the capture to load", func() bool { return !h.in.loading() })
	if got := h.rowTexts(); len(got) != 3 || !strings.Contains(got[1], "roles flipped") {
		t.Fatalf("rows from the capture = %q", got)
	}
	if h.in.toolbar.mode.text.Text != "FILE" || h.in.status.relay.Text != "Viewing a file" || h.in.status.bar.Visible() {
		t.Errorf("toolbar %q, status %q, progress shown %v", h.in.toolbar.mode.text.Text, h.in.status.relay.Text, h.in.status.bar.Visible())
	}
	if msg := h.in.banner.message(); msg != "" {
		t.Errorf("banner after a good load: %q", msg)
	}

	out := filepath.Join(dir, "seed.json")
	if warnings, err := writeExport(out, exportChoice{format: export.JSON, redact: true}, nil, nil, h.in.file, h.in.st); err != nil || len(warnings) > 0 {
		t.Fatal(warnings, err)
	}
	redacted := filepath.Join(dir, "seed-redacted.json")
	hdrs, bodies := redactionExtras(" Accept-Encoding ,", "olle[H]")
	if _, err := writeExport(redacted, exportChoice{format: export.JSON, redact: true, headers: hdrs, bodies: bodies},
		nil, nil, h.in.file, h.in.st); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(redacted); strings.Contains(string(b), "identity") || strings.Contains(string(b), "olleH") ||
		!regexp.MustCompile(`"body":"rdlrow ,\*[0-9a-f]{4}\\r\\n"`).Match(b) {
		t.Errorf("user-given redactions missing from the export:\n%s", b)
	}
	h.in.openFile(out)
	h.waitFor("the JSON export to load", func() bool { return !h.in.loading() })
	if got := h.rowTexts(); len(got) != 3 || !strings.HasPrefix(got[2], "← ptth GET / 200 OK") {
		t.Errorf("rows from the JSON export = %q", got)
	}
}

func TestOpenSharedTranscripts(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	for _, c := range []struct{ file, row string }{
		{"seed-upgrade.transcript", "← ptth GET / 200 OK"},
		{"airplay-reverse.transcript", "← ptth POST /event 200 OK"},
	} {
		h.in.openFile("../proxy/testdata/" + c.file)
		h.waitFor(c.file+" to load", func() bool { return !h.in.loading() })
		got := h.rowTexts()
		if len(got) != 3 || !strings.Contains(got[1], "roles flipped") || !strings.HasPrefix(got[2], c.row) {
			t.Errorf("%s: rows %q (banner %q)", c.file, got, h.in.banner.message())
		}
	}
	h.tapRow("/event")
	if got := h.in.detail.request.body.lines.text(); !strings.Contains(got, "<key>category</key>") || h.in.detail.request.body.kind.String() != "plist" {
		t.Errorf("AirPlay plist body (%v): %q", h.in.detail.request.body.kind, got)
	}
}

func TestCorruptCaptureShowsReasonAndWindowKeepsWorking(t *testing.T) {
	h := newHarness(t, ptheme.Dark)
	bad := filepath.Join(t.TempDir(), "bad.ptthcap")
	if err := os.WriteFile(bad, []byte("this is not a capture file at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "seed.ptthcap")
	writeCapture(t, good)
	h.in.openFile(good)
	h.waitFor("the good file", func() bool { return !h.in.loading() })
	before := h.rowTexts()
	h.in.openFile(bad)
	h.waitFor("the failed load", func() bool { return !h.in.loading() })
	if msg := h.in.banner.message(); !strings.HasPrefix(msg, "Cannot open bad.ptthcap: ") {
		t.Errorf("banner = %q", msg)
	}
	// What was shown stays shown: the bad file replaced nothing.
	if got := h.rowTexts(); len(got) != 3 || !slices.Equal(got, before) || h.in.file != good ||
		!strings.HasSuffix(h.in.status.capture.Text, "seed.ptthcap") || h.in.status.bar.Visible() {
		t.Errorf("after a bad file: rows %q (were %q), file %q, status %q", got, before, h.in.file, h.in.status.capture.Text)
	}
	h.in.filterBar.entry.SetText("dir:reverse")
	if got := h.rowTexts(); len(got) != 2 || !strings.HasPrefix(got[1], "← ptth GET") || h.in.filterBar.err.Visible() {
		t.Errorf("the window should keep working after a bad file: rows %q", got)
	}
}

// TestFloodKeepsCountsExact records 20 000 exchanges as fast as the store
// takes them while the window ticks; every one is counted.
func TestFloodKeepsCountsExact(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	st := store.New(nil)
	h.in.attach(st, nil)
	const sessions, each = 40, 500
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for s := 0; s < sessions; s++ {
			sid := fmt.Sprint("s", s)
			st.PutSession(&session.Session{ID: sid, Client: fmt.Sprint("127.0.0.1:", 5000+s), Started: t0})
			for i := 0; i < each; i++ {
				e := &session.Exchange{ID: fmt.Sprint(sid, "-", i), Session: sid, Seq: i + 1, Direction: session.Reverse,
					Request: message("GET /n HTTP/1.1\r\n\r\n", time.Duration(s*each+i)*time.Microsecond)}
				st.PutExchange(e)
				done := *e
				done.Response = message("HTTP/1.1 200 OK\r\n\r\n", time.Duration(s*each+i)*time.Microsecond)
				st.PutExchange(&done)
			}
		}
	}()
	ticks := 0
	for finished := false; !finished; ticks++ {
		finished = waitTimeout(&wg, time.Millisecond)
		h.in.tick()
	}
	h.in.tick()
	if h.in.model.Exchanges() != sessions*each || len(h.in.model.Sessions()) != sessions {
		t.Fatalf("model has %d exchanges in %d sessions", h.in.model.Exchanges(), len(h.in.model.Sessions()))
	}
	if got := h.in.status.counts.Text; !strings.HasPrefix(got, "20,000 exchanges · 40 sessions") {
		t.Errorf("status bar says %q", got)
	}
	h.in.filterBar.entry.SetText("is:pending")
	if h.in.model.Len() != 0 {
		t.Errorf("%d exchanges still pending after their responses", h.in.model.Len())
	}
	t.Logf("%d ticks", ticks)
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	c := make(chan struct{})
	go func() { wg.Wait(); close(c) }()
	select {
	case <-c:
		return true
	case <-time.After(d):
		return false
	}
}

// BenchmarkTickAt10kPerSecond measures one UI tick that takes in 1 000 new
// exchanges and 1 000 completions: 100 ms of traffic at 10 000 exchanges/s.
func BenchmarkTickAt10kPerSecond(b *testing.B) {
	h := newHarness(b, ptheme.Light)
	st := store.New(nil)
	h.in.attach(st, nil)
	st.PutSession(&session.Session{ID: "s", Started: t0})
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i := 0; i < 1000; i++ {
			e := &session.Exchange{ID: fmt.Sprint(n), Session: "s", Seq: n, Direction: session.Reverse,
				Request: message("GET /n HTTP/1.1\r\n\r\n", time.Duration(n)*time.Microsecond)}
			st.PutExchange(e)
			done := *e
			done.Response = message("HTTP/1.1 200 OK\r\n\r\n", time.Duration(n)*time.Microsecond)
			st.PutExchange(&done)
			n++
		}
		b.StartTimer()
		h.in.tick()
	}
	b.ReportMetric(float64(h.in.model.Exchanges())/float64(b.N), "exchanges/tick")
}

// While a file loads, a tick re-reads the store in one go when a re-read is
// due and otherwise leaves the model alone: looking at each new exchange
// would take the store's lock the loader needs for every put.
func TestTickWhileLoadingRereadsOnlyWhenDue(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	st := store.New(nil)
	h.in.attach(st, nil)
	h.in.load = &loadProgress{started: time.Now()}
	h.in.load.reloaded(time.Second) // a re-read just took a second: the next waits 4 s
	st.PutSession(&session.Session{ID: "s", Client: "127.0.0.1:5000", Started: t0})
	for i := 0; i < 10; i++ {
		st.PutExchange(&session.Exchange{ID: fmt.Sprint("e", i), Session: "s", Seq: i + 1, Direction: session.Reverse,
			Request: message("GET /n HTTP/1.1\r\n\r\n", time.Duration(i)*time.Microsecond)})
	}
	h.in.tick()
	if n := h.in.model.Exchanges(); n != 0 {
		t.Fatalf("the model took in %d exchanges before a re-read was due", n)
	}
	if h.in.load.reloadDue() {
		t.Fatal("a re-read is due 0 s after one that took 1 s")
	}
	h.in.load.lastReload = time.Now().Add(-5 * time.Second)
	h.in.tick()
	if n := h.in.model.Exchanges(); n != 10 {
		t.Fatalf("after a due re-read the model has %d exchanges, want 10", n)
	}
	if h.in.load.reloadDue() {
		t.Fatal("a re-read is due right after one")
	}
	h.in.load = nil
}

func TestOpeningAFileShowsItsStartAndStopsFollowing(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	path := filepath.Join(t.TempDir(), "many.ptthcap")
	if err := synth.Write(path, synth.Options{Exchanges: 400}); err != nil {
		t.Fatal(err)
	}
	h.in.openFile(path)
	h.waitFor("the capture to load", func() bool { return !h.in.loading() })
	if h.in.follow || h.in.toolbar.follow.Checked {
		t.Fatal("following a file that does not grow")
	}
	if off := h.in.timeline.list.GetScrollOffset(); off != 0 {
		t.Fatalf("the timeline opened scrolled to %v, not at the start", off)
	}
}

func TestOpeningAFileWhileRelayingAsksFirst(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := loadTranscript(t, "seed-upgrade.transcript")
	h.live(tinyUpstream(t, steps))
	path := filepath.Join(t.TempDir(), "seed.ptthcap")
	writeCapture(t, path)

	h.in.openChosen(path)
	if text := overlayText(h.w); !strings.Contains(text, "Opening seed.ptthcap stops the relay on 127.0.0.1:") {
		t.Fatalf("no question before stopping the relay; overlay %q", text)
	}
	test.Tap(overlayButton(h.w, "Cancel"))
	if h.in.loading() || h.in.file != "" || h.in.be == nil || h.in.be.Relay() == nil {
		t.Fatal("Cancel should leave the relay running and open nothing")
	}

	h.in.openChosen(path)
	test.Tap(overlayButton(h.w, "Stop relay and open"))
	h.waitFor("the file to load", func() bool { return !h.in.loading() })
	if h.in.file != path || h.in.be != nil || len(h.rowTexts()) != 3 {
		t.Fatalf("after confirming: file %q, backend %v, rows %q", h.in.file, h.in.be, h.rowTexts())
	}
	// With no relay running there is nothing to ask.
	h.in.openChosen(path)
	if h.w.Canvas().Overlays().Top() != nil || !h.in.loading() {
		t.Fatal("opening a file while viewing one should not ask")
	}
	h.waitFor("the file to load again", func() bool { return !h.in.loading() })
}
