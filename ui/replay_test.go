package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/demo"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

// findButton returns the button labelled text under o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	found := findButtonOrNil(o, text)
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}

// findButtonOrNil returns the button labelled text under o, or nil.
func findButtonOrNil(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

// liveEngine starts a real engine in the window: a relay to upstream, or
// the mock server when upstream is "".
func liveEngine(t *testing.T, h *harness, upstream string) *engine.Engine {
	t.Helper()
	eng, err := engine.Start(engine.Options{Listen: "127.0.0.1:0", Upstream: upstream, Server: upstream == "",
		Out: filepath.Join(t.TempDir(), "replay.ptthcap")})
	if err != nil {
		t.Fatal(err)
	}
	h.in.attach(eng.Store, engineBackend{eng})
	return eng
}

// findExchange returns the first stored exchange that ok accepts.
func findExchange(h *harness, ok func(*session.Exchange) bool) *session.Exchange {
	for _, x := range h.in.st.Exchanges(0) {
		if ok(x) {
			return x
		}
	}
	return nil
}

func TestForwardReplayShowsLinkedExchangeAndDiff(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen", r.Header.Get("X-Test"))
		fmt.Fprintf(w, "path %s\ntest %s\nend\n", r.URL.Path, r.Header.Get("X-Test"))
	}))
	defer up.Close()
	h := newHarness(t, ptheme.Light)
	eng := liveEngine(t, h, strings.TrimPrefix(up.URL, "http://"))
	req, _ := http.NewRequest("GET", "http://"+eng.Options().Listen+"/status", nil)
	req.Header.Set("X-Test", "one")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h.waitFor("the relayed GET", func() bool { return h.in.model.Exchanges() == 1 && !h.in.model.Row(0).Pending() })
	orig := h.in.model.Row(0)
	h.tapRow("GET /status")
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutFor(fyne.KeyR))
	e := h.in.rp.lastEditor
	if e == nil || e.origID != orig.ID || e.kind.Selected != "forward (to the upstream)" {
		t.Fatalf("Ctrl+R opened %+v", e)
	}
	defer e.win.Close()
	if e.raw.Text != strings.ReplaceAll(string(mustWire(t, orig.Request)), "\r\n", "\n") {
		t.Errorf("raw view %q is not the captured request", e.raw.Text)
	}
	for _, r := range e.headers.rows {
		if r.name.Text == "X-Test" {
			r.value.SetText("two")
		}
	}
	test.Tap(e.send)
	var replayed *session.Exchange
	h.waitFor("the replayed exchange in the timeline", func() bool {
		replayed = findExchange(h, func(x *session.Exchange) bool { return x.ReplayOf == orig.ID })
		return replayed != nil && h.in.selected() != nil && h.in.selected().ID == replayed.ID
	})
	if !replayed.Injected || replayed.Response == nil || replayed.Response.Header("X-Seen") != "two" {
		t.Errorf("replayed exchange: %+v", replayed)
	}
	// Named as its timeline row is, never by its uuid.
	if want := fmt.Sprintf("Sent as #%d GET /status on ", replayed.Seq); !strings.HasPrefix(e.status.Text, want) || strings.Contains(e.status.Text, replayed.ID) {
		t.Errorf("editor status = %q", e.status.Text)
	}
	var marked []string
	for _, r := range h.rowTexts() {
		if strings.Contains(r, "↻") {
			marked = append(marked, r)
		}
	}
	if len(marked) != 1 || !strings.Contains(marked[0], "↻ /status") {
		t.Errorf("timeline rows %q: want one ↻ row", h.rowTexts())
	}

	test.Tap(e.diffBtn)
	v := h.in.rp.lastDiff
	if v == nil {
		t.Fatal("Diff with original opened nothing")
	}
	defer v.win.Close()
	h.waitFor("the diff", func() bool { return len(v.rows) > 0 })
	text := v.text()
	for _, want := range []string{"~-X-Test: one", "~+X-Test: two", "~-X-Seen: one", "~+X-Seen: two", "- test one", "+ test two", "  path /status"} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("diff lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(v.summary.Text, "headers changed") || !strings.Contains(v.summary.Text, "body: +1 −1 lines") {
		t.Errorf("summary = %q", v.summary.Text)
	}
	if !strings.Contains(text, "Date: ") || !strings.Contains(text, "(ignored)") {
		t.Errorf("the Date header should be listed as ignored:\n%s", text)
	}
}

func mustWire(t *testing.T, m *session.Message) []byte {
	t.Helper()
	b, err := m.Wire()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReverseReplayOffersTheClientsNewerSocket(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	eng := liveEngine(t, h, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go demo.RunClient(ctx, eng.Options().Listen, demo.ClientOptions{Reconnect: 20 * time.Millisecond})
	h.waitFor("a flipped client", func() bool { return len(eng.Relay().LiveFlipped("")) > 0 })
	first := eng.Relay().LiveFlipped("")[0]

	// A new request into the flipped socket, which closes it afterwards.
	e := h.in.openEditor(nil)
	defer e.win.Close()
	e.kind.SetSelected("reverse (to the client)")
	if e.sessionID != first || !e.sessBox.Visible() {
		t.Fatalf("reverse target = %q, want %q", e.sessionID, first)
	}
	e.raw.SetText("GET /status HTTP/1.1\nConnection: close\n\n")
	test.Tap(e.send)
	var x1 *session.Exchange
	h.waitFor("the injected request's answer", func() bool {
		x1 = findExchange(h, func(x *session.Exchange) bool { return x.Injected && x.Response != nil })
		return x1 != nil
	})
	if x1.Session != first || x1.Direction != session.Reverse || x1.ReplayOf != "" {
		t.Errorf("injected exchange %+v", x1)
	}
	h.waitFor("the client to reconnect", func() bool {
		live := eng.Relay().LiveFlipped("")
		return len(live) > 0 && live[0] != first
	})

	// Replaying it: its socket is gone, so the editor offers the newer one.
	h.in.jumpTo(x1.ID)
	h.in.editSelected()
	e2 := h.in.rp.lastEditor
	defer e2.win.Close()
	if e2.selectedKind() != engine.Reverse || e2.sessionID != first || !strings.Contains(e2.sessSel.Selected, "(closed)") {
		t.Fatalf("editor on %s: kind %v, session %q", x1.ID, e2.selectedKind(), e2.sessSel.Selected)
	}
	test.Tap(e2.send)
	var yes *widget.Button
	h.waitFor("the offer of another session", func() bool {
		if top := e2.win.Canvas().Overlays().Top(); top != nil {
			walk(top, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
				if b, ok := o.(*widget.Button); ok && b.Text == "Yes" {
					yes = b
				}
			})
		}
		return yes != nil
	})
	test.Tap(yes)
	var x2 *session.Exchange
	h.waitFor("the replay in the new session", func() bool {
		x2 = findExchange(h, func(x *session.Exchange) bool { return x.ReplayOf == x1.ID && x.Response != nil })
		return x2 != nil && h.in.selected() != nil && h.in.selected().ID == x2.ID
	})
	if x2.Session == first || x2.Response.Status != 200 {
		t.Errorf("replay went to %s (status %d)", x2.Session, x2.Response.Status)
	}

	// Repeat, pipelined, into the live socket (without Connection: close).
	e2.raw.SetText("GET /status HTTP/1.1\n\n")
	h.waitFor("a live socket again", func() bool { e2.refreshTargets(); return !strings.Contains(e2.sessSel.Selected, "(closed)") })
	e2.count.SetText("5")
	e2.pipelined.SetChecked(true)
	test.Tap(e2.repeat)
	h.waitFor("the repeat's stats", func() bool { return strings.HasPrefix(e2.status.Text, "Repeat: ") })
	if !strings.HasPrefix(e2.status.Text, "Repeat: 5 sent, 5 answered, 0 errors") {
		t.Errorf("repeat status = %q", e2.status.Text)
	}
}

func TestReplayWithoutEngineSaysSoInTheEditor(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.tapRow("← ptth GET")
	h.in.editSelected()
	e := h.in.rp.lastEditor
	defer e.win.Close()
	if e.selectedKind() != engine.Reverse {
		t.Errorf("a reversed exchange should default to reverse, got %v", e.selectedKind())
	}
	test.Tap(e.send)
	if !strings.Contains(e.status.Text, "needs a live capture") {
		t.Errorf("status = %q", e.status.Text)
	}
}
