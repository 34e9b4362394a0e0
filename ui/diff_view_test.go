package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

// diffPair stores an original and its replay whose request header, response
// headers and body lines differ.
func diffPair(t *testing.T, h *harness) {
	t.Helper()
	st := store.New(nil)
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Upstream: "127.0.0.1:9999", Started: t0})
	st.PutExchange(&session.Exchange{ID: "a", Session: "s1", Seq: 1,
		Request: message("GET /status HTTP/1.1\r\nHost: x\r\nX-Test: one\r\n\r\n", 0),
		Response: message("HTTP/1.1 200 OK\r\nDate: Mon, 1 Jan 2024 00:00:00 GMT\r\nX-Old: gone\r\nContent-Length: 18\r\n\r\n"+
			"alpha\nbeta\ngamma\n", time.Millisecond)})
	st.PutExchange(&session.Exchange{ID: "b", Session: "s1", Seq: 2, ReplayOf: "a", Injected: true,
		Request: message("GET /status HTTP/1.1\r\nHost: x\r\nX-Test: two\r\n\r\n", 10*time.Millisecond),
		Response: message("HTTP/1.1 404 Not Found\r\nDate: Mon, 1 Jan 2024 00:00:09 GMT\r\nContent-Length: 18\r\nX-New: here\r\n\r\n"+
			"alpha\nBETA\ngamma\n", 11*time.Millisecond)})
	h.in.attach(st, nil)
	h.in.tick()
}

func TestDiffViewMarksHeadersAndBodyLines(t *testing.T) {
	h := newHarness(t, ptheme.Dark)
	diffPair(t, h)
	h.tapRow("↻ /status")
	h.in.diffWithOriginal()
	v := h.in.rp.lastDiff
	if v == nil || v.aID != "a" || v.bID != "b" {
		t.Fatalf("Diff with original opened %+v", v)
	}
	defer v.win.Close()
	h.waitFor("the comparison", func() bool { return len(v.rows) > 0 })
	if v.summary.Text != "status 200→404, 3 headers differ (1 changed, 1 added, 1 removed), body: +1 −1 lines" {
		t.Errorf("summary = %q", v.summary.Text)
	}
	want := map[string]diffRowKind{
		"~-X-Test: one": rowChanged, "~+X-Test: two": rowChanged,
		"~-HTTP/1.1 200 OK": rowChanged, "~+HTTP/1.1 404 Not Found": rowChanged,
		"- X-Old: gone": rowRemoved, "+ X-New: here": rowAdded,
		"- beta": rowRemoved, "+ BETA": rowAdded, "  alpha": rowSame,
	}
	for _, r := range v.rows {
		if k, ok := want[r.mark+r.text]; ok {
			if k != r.kind {
				t.Errorf("%q has kind %d, want %d", r.mark+r.text, r.kind, k)
			}
			delete(want, r.mark+r.text)
		}
		if strings.HasPrefix(r.text, "Date:") && !r.ignored {
			t.Errorf("Date should be ignored: %+v", r)
		}
	}
	if len(want) > 0 {
		t.Errorf("rows missing %v in\n%s", want, v.text())
	}
	// The rows draw with their marker and the theme's colours.
	line := newDiffLine().(*diffLine)
	line.set(diffRow{mark: "+ ", text: "BETA", kind: rowAdded})
	if line.mark.Text != "+ " || line.text.Color != fynetheme.Color(fynetheme.ColorNameSuccess) {
		t.Errorf("line drawn as %q %v", line.mark.Text, line.text.Color)
	}

	// Ignoring X-Test leaves the X-Old/X-New pair.
	v.ignore.SetText("Date, X-Test")
	h.waitFor("the new comparison", func() bool { return strings.Contains(v.summary.Text, "2 headers differ (1 added, 1 removed)") })
	if got := h.in.diffIgnore(); strings.Join(got, ",") != "Date,X-Test" {
		t.Errorf("the ignore list is not remembered: %q", got)
	}
}

func TestMarkForDiffThenDiffWithMarked(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	diffPair(t, h)
	h.in.diffWithMarked()
	if !strings.Contains(h.in.banner.message(), "Nothing is marked") {
		t.Errorf("banner = %q", h.in.banner.message())
	}
	h.tapRow("↻ /status")
	h.in.markForDiff()
	h.in.jumpTo("a")
	h.in.diffWithMarked()
	v := h.in.rp.lastDiff
	if v == nil || v.aID != "b" || v.bID != "a" {
		t.Fatalf("Diff with marked opened %+v", v)
	}
	defer v.win.Close()
	h.waitFor("the comparison", func() bool { return len(v.rows) > 0 })
	if !strings.HasPrefix(v.summary.Text, "status 404→200") {
		t.Errorf("summary = %q", v.summary.Text)
	}
	h.in.diffWithOriginal() // "a" is no replay
	if !strings.Contains(h.in.banner.message(), "replayed exchange") {
		t.Errorf("banner = %q", h.in.banner.message())
	}
}

func TestTimingNamesTheOriginalOfAReplayAndGoesToIt(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	diffPair(t, h)
	h.tapRow("↻ /status")
	if got := h.in.detail.timing.field("Replay of"); got != "#1 GET /status on 127.0.0.1:5000" {
		t.Errorf("Replay of = %q", got)
	}
	test.Tap(findButton(t, h.in.detail.timing.box, "Go to the original"))
	if e := h.in.selected(); e == nil || e.ID != "a" {
		t.Fatalf("selected %+v after Go to the original", e)
	}
	if findButtonOrNil(h.in.detail.timing.box, "Go to the original") != nil {
		t.Error("the original offers to go to an original of its own")
	}
	h.in.jumpTo("missing-0123456789")
	if got := h.in.banner.message(); got != "Exchange missing- is not in this capture." {
		t.Errorf("banner = %q", got)
	}
}
