package ui

import (
	"bytes"
	"fmt"
	"net"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ptth-inspector/proxy/cli"
	"ptth-inspector/session"
	"ptth-inspector/session/export"
	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/body"
)

// shownRow is a timeline row as drawn: its text and the widget.
type shownRow struct {
	text string
	row  *timelineRow
	tap  fyne.Tappable
	y    float32
}

// rows returns the timeline rows on screen, top to bottom.
func (h *harness) rows() []shownRow {
	var out []shownRow
	walk(h.in.timeline.list, nil, func(o fyne.CanvasObject, tap fyne.Tappable) {
		r, ok := o.(*timelineRow)
		if !ok || !r.Visible() {
			return
		}
		text := r.divider.Text
		if r.cells.Visible() {
			text = strings.Join([]string{r.arrow.Text, r.via.Text, r.method.Text, r.target.Text, r.status.Text}, " ")
		}
		out = append(out, shownRow{text: text, row: r, tap: tap, y: fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Y})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].y < out[j].y })
	// The list keeps spare rows past its length: keep the model's count.
	if n := h.in.model.Len(); len(out) > n {
		out = out[:n]
	}
	return out
}

func (h *harness) rowTexts() []string {
	var out []string
	for _, r := range h.rows() {
		out = append(out, r.text)
	}
	return out
}

// tapRow taps the first row whose text contains s, as a person would.
func (h *harness) tapRow(s string) {
	h.t.Helper()
	for _, r := range h.rows() {
		if strings.Contains(r.text, s) {
			test.Tap(r.tap)
			return
		}
	}
	h.t.Fatalf("no row contains %q in %q", s, h.rowTexts())
}

// seedUpgrade runs the seed upgrade through a real relay into the window.
func seedUpgrade(t *testing.T, h *harness) []step {
	steps := loadTranscript(t, "seed-upgrade.transcript")
	relay := h.live(tinyUpstream(t, steps))
	runClient(t, relay, steps)
	h.waitFor("the upgrade and the reversed GET", func() bool {
		n := h.in.model.Exchanges()
		return n == 2 && !h.in.model.Row(1).Pending() && !h.in.model.Row(0).Pending()
	})
	return steps
}

func TestTimelineShowsForwardRowFlipAndReverseRow(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	got := h.rowTexts()
	if len(got) != 3 {
		t.Fatalf("timeline rows = %q, want forward, divider, reverse", got)
	}
	if !strings.HasPrefix(got[0], "→ ptth POST / ") || !strings.Contains(got[0], "101 Switching") {
		t.Errorf("forward row = %q", got[0])
	}
	if !strings.HasPrefix(got[1], "⇅ roles flipped — PTTH/1.0 — 101 at ") {
		t.Errorf("divider row = %q", got[1])
	}
	if !strings.HasPrefix(got[2], "← ptth GET / 200 OK") {
		t.Errorf("reverse row = %q", got[2])
	}
	sessions := h.in.model.Sessions()
	if len(sessions) != 1 || sessions[0].S.State != session.StateFlipped {
		t.Errorf("sessions: %+v", sessions)
	}
	// The seed's upgrade lacks Connection: Upgrade and its 101 carries
	// Content-Length: the session row says so with a hint badge.
	var badges []string
	walk(h.in.sessions.list, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		if r, ok := o.(*sessionRow); ok && r.Visible() && r.state.Visible() {
			badges = append(badges, r.client.Text+" "+r.state.text.Text+" "+r.hints.text.Text+" "+r.count.Text)
		}
	})
	if len(badges) != 1 || !strings.Contains(badges[0], " PTTH flipped ⚠ 2 ") || !strings.HasSuffix(badges[0], " 2") {
		t.Errorf("session rows = %q", badges)
	}
}

func TestSelectingReverseRowShowsBodyAndExactWireBytes(t *testing.T) {
	h := newHarness(t, ptheme.Dark)
	steps := seedUpgrade(t, h)
	h.tapRow("← ptth GET")
	d := h.in.detail
	if d.ex == nil || d.ex.Direction != session.Reverse || !d.tabs.Visible() {
		t.Fatalf("detail shows %+v", d.ex)
	}
	d.selectTab("Response")
	if got := d.response.body.lines.text(); !strings.Contains(got, "rdlrow ,olleH") {
		t.Errorf("response body shows %q", got)
	}
	if got := d.request.head.text(); !strings.HasPrefix(got, "GET / HTTP/1.1\nHost: 127.0.0.1:65331\nAccept-Encoding: identity\naccept: text/plain") {
		t.Errorf("request head (wire order and case) = %q", got)
	}

	d.selectTab("Raw")
	var back [2][]byte // request from upstream, response from client
	for _, l := range strings.Split(d.raw.lines.text(), "\n") {
		side := 0
		if l[0] == '>' {
			side = 1
		}
		l, end := l[1:], ""
		if s, ok := strings.CutSuffix(l, body.CRLFMark); ok {
			l, end = s, "\r\n"
		} else if s, ok := strings.CutSuffix(l, body.LFMark); ok {
			l, end = s, "\n"
		}
		b, err := export.Unescape(l)
		if err != nil {
			t.Fatal(err)
		}
		back[side] = append(append(back[side], b...), end...)
	}
	reqWire, _ := d.ex.Request.Wire()
	respWire, _ := d.ex.Response.Wire()
	if !bytes.Equal(back[0], reqWire) || !bytes.Equal(back[1], respWire) {
		t.Errorf("Raw tab does not give back Wire():\n%q\n%q", back[0], back[1])
	}
	d.raw.mode.SetSelected("hex")
	hex := strings.Split(d.raw.lines.text(), "\n")
	if hex[0] != fmt.Sprintf("< request, %d bytes", len(reqWire)) || !strings.HasPrefix(hex[1], "00000000  47 45 54 20 2f 20") {
		t.Errorf("Raw tab in hex starts %q", hex[:2])
	}
	fromUpstream := steps[1].bytes
	if i := bytes.Index(fromUpstream, []byte("GET / HTTP/1.1")); i < 0 || !bytes.Equal(reqWire, fromUpstream[i:]) {
		t.Errorf("request wire bytes %q are not what the upstream sent after the 101", reqWire)
	}
	if !bytes.HasPrefix(steps[2].bytes, respWire) || !bytes.HasSuffix(respWire, []byte("rdlrow ,olleH\r\n")) {
		t.Errorf("response wire bytes %q are not what the client sent", respWire)
	}
}

func TestCometExchangeShowsMessageID(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := loadTranscript(t, "seed-comet.transcript")
	relay := h.live(tinyUpstream(t, steps))
	runClient(t, relay, steps)
	h.waitFor("the COMET exchange with its reply", func() bool {
		for _, r := range h.rows() {
			if strings.Contains(r.text, "[xxx]") && strings.Contains(r.text, "200 OK") {
				return true
			}
		}
		return false
	})
	h.tapRow("[xxx]")
	if ex := h.in.detail.ex; ex.Transport != session.COMET || ex.MessageID != "xxx" || ex.Direction != session.Reverse {
		t.Errorf("selected %+v", ex)
	}
	h.in.detail.selectTab("Response")
	if got := h.in.detail.response.body.lines.text(); !strings.Contains(got, "rdlrow ,olleH") {
		t.Errorf("COMET reply body = %q", got)
	}
	if n := h.in.detail.raw.note; !n.Visible() || !strings.HasPrefix(n.Text, "COMET: these bytes are the event and the reply rebuilt") {
		t.Errorf("Raw tab note %q (visible %v)", n.Text, n.Visible())
	}
	test.Type(h.in.filterBar.entry, "transport:comet")
	if got := h.rowTexts(); len(got) != 1 || !strings.HasPrefix(got[0], "← comet GET [xxx] /") {
		t.Errorf("transport:comet rows = %q", got)
	}
	h.in.filterBar.fold.SetChecked(true)
	h.in.filterBar.entry.SetText("")
	for _, r := range h.rowTexts() {
		if strings.Contains(r, "carries") {
			t.Errorf("folded timeline still shows carrier %q", r)
		}
	}
}

func TestFiltersNarrowRowsAndSessions(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	upgrade := loadTranscript(t, "seed-upgrade.transcript")
	comet := loadTranscript(t, "seed-comet.transcript")
	relay := h.live(tinyUpstream(t, upgrade, comet))
	runClient(t, relay, upgrade)
	runClient(t, relay, comet)
	h.waitFor("both sessions", func() bool {
		return len(h.in.model.Sessions()) == 2 && h.in.model.Matches() >= 5 && h.in.st.Stats().Live == 0
	})
	all := len(h.rowTexts())
	cases := []struct {
		filter string
		rows   int
		first  string
	}{
		{"dir:reverse", 3, "⇅ roles flipped"},
		{"method:POST dir:forward", 4, "→ ptth POST /"},
		{"status:>=400", 0, ""},
		{"transport:comet", 1, "← comet GET [xxx] /"},
		{"transport:comet status:200 dir:reverse method:GET", 1, "← comet GET [xxx] /"},
	}
	for _, c := range cases {
		h.in.filterBar.entry.SetText(c.filter)
		got := h.rowTexts()
		if c.rows >= 0 && len(got) != c.rows {
			t.Errorf("%q: rows %q, want %d", c.filter, got, c.rows)
		}
		if c.first != "" && (len(got) == 0 || !strings.HasPrefix(got[0], c.first)) {
			t.Errorf("%q: first row %q, want %q", c.filter, got, c.first)
		}
		if len(got) > all {
			t.Errorf("%q widened the timeline", c.filter)
		}
	}
	h.in.filterBar.entry.SetText("rdlrow")
	for _, r := range h.rowTexts() {
		if strings.HasPrefix(r, "→") && !strings.Contains(r, "carries") {
			t.Errorf("free text rdlrow matched %q", r)
		}
	}
	h.in.filterBar.entry.SetText("transport:comet")
	if len(h.in.sessIdx) != 1 || h.in.model.Sessions()[h.in.sessIdx[0]].S.State != session.StateComet {
		t.Errorf("session list under transport:comet: %v", h.in.sessIdx)
	}
	// Bad terms are left out, each named; the rest still filters.
	h.in.filterBar.entry.SetText("transport:comet status:>=abc dir:sideways")
	if e := h.in.filterBar.err; !e.Visible() || !strings.Contains(e.Text, "status") || !strings.Contains(e.Text, "sideways") ||
		!strings.HasSuffix(e.Text, "filtering by the rest: transport:comet.") {
		t.Errorf("bad filter error: %q", e.Text)
	}
	if got := h.rowTexts(); len(got) != 1 || !strings.HasPrefix(got[0], "← comet GET") {
		t.Errorf("the good term of a partly broken filter should still filter, rows %q", got)
	}
	h.in.filterBar.entry.SetText("status:>=abc")
	if got := h.rowTexts(); len(got) != all || !strings.HasSuffix(h.in.filterBar.err.Text, "nothing else to filter by, so everything shows.") {
		t.Errorf("a filter with no good term shows %d rows, want %d; error %q", len(got), all, h.in.filterBar.err.Text)
	}
	h.in.filterBar.entry.SetText("")
	if got := h.rowTexts(); len(got) != all {
		t.Errorf("cleared filter shows %d rows, want %d", len(got), all)
	}
}

func TestKeyboardMovesSelectionAndShortcutsAct(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	sc := h.w.Canvas().(fyne.Shortcutable)
	sc.TypedShortcut(shortcutFor(fyne.KeyF))
	if h.w.Canvas().Focused() != h.in.filterBar.entry {
		t.Errorf("Ctrl+F focused %v", h.w.Canvas().Focused())
	}
	h.in.timeline.focus()
	h.in.timeline.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if h.in.detail.ex == nil || h.in.detail.ex.Direction != session.Forward {
		t.Fatalf("↓ selected %+v", h.in.detail.ex)
	}
	h.in.timeline.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // skips the divider
	if h.in.detail.ex.Direction != session.Reverse {
		t.Errorf("second ↓ selected %+v", h.in.detail.ex)
	}
	h.in.timeline.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	h.in.timeline.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.in.detail.ex.Direction != session.Forward || !h.in.detail.tabs.Visible() {
		t.Errorf("↑ then Enter: %+v", h.in.detail.ex)
	}
	sc.TypedShortcut(shortcutFor(fyne.KeyL))
	if h.in.model.Exchanges() != 0 || len(h.rowTexts()) != 0 || h.in.detail.ex != nil {
		t.Errorf("Ctrl+L left %d exchanges", h.in.model.Exchanges())
	}
	if txt := h.in.shortcutsText(); !strings.Contains(txt, "Ctrl+E\tExport") || !strings.Contains(txt, "Enter") {
		t.Errorf("Help lists %q", txt)
	}
}

func TestBusyPortShowsErrorAndWindowKeepsWorking(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	h := newHarness(t, ptheme.Light)
	o := liveOptions(cli.WindowOptions{Listen: busy.Addr().String(), Upstream: "127.0.0.1:9"})
	o.Out = filepath.Join(t.TempDir(), "busy.ptthcap")
	h.in.startLive(o)
	if msg := h.in.banner.message(); !strings.Contains(msg, "address already in use") {
		t.Errorf("banner = %q", msg)
	}
	if h.in.be == nil || h.in.be.Relay() != nil {
		t.Fatal("the window should keep a capture without a relay")
	}
	if got := h.in.toolbar.address.Text; !strings.Contains(got, "not listening") {
		t.Errorf("toolbar says %q", got)
	}
	h.in.tick()
	if !strings.Contains(h.in.status.relay.Text, "Relay stopped") {
		t.Errorf("status bar says %q", h.in.status.relay.Text)
	}
}

func TestAFilterMatchingNothingSaysSo(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.in.filterBar.entry.SetText("status:>=500")
	h.waitFor("the filter", func() bool { return h.in.model.Matches() == 0 })
	if !h.in.timeline.empty.Visible() {
		t.Fatal("no note that the filter matches nothing")
	}
	h.in.filterBar.entry.SetText("")
	h.waitFor("no filter", func() bool { return h.in.model.Matches() > 0 })
	if h.in.timeline.empty.Visible() {
		t.Fatal("the note stays without a filter")
	}
}
