package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy"
	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

// interceptOn opens the Intercept window on a live relay to an upstream
// that plays upSteps (steps when nil), pauses GET /hold, and has a client
// send steps in the background; it returns when the request is paused, with the window, the
// paused row's label and its buttons by text, and a channel closed when
// the client is done.
func interceptOn(t *testing.T, h *harness, steps, upSteps []step) (p *interceptPanel, label string, buttons map[string]*widget.Button, done chan struct{}) {
	t.Helper()
	if upSteps == nil {
		upSteps = steps
	}
	relay := h.live(tinyUpstream(t, upSteps))
	p = h.in.showIntercept()
	p.rule.SetText("method:GET /hold")
	p.on.SetChecked(true)
	if !strings.HasPrefix(p.status.Text, "Pausing") {
		t.Fatalf("rule not installed: %q", p.status.Text)
	}
	done = make(chan struct{})
	go func() { runClient(t, relay, steps); close(done) }()
	h.waitFor("the request to pause", func() bool { return len(p.paused) == 1 })
	p.list.Refresh()
	row := p.list.CreateItem()
	p.list.UpdateItem(0, row)
	buttons = map[string]*widget.Button{}
	walk(row, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		switch x := o.(type) {
		case *widget.Label:
			label = x.Text
		case *widget.Button:
			buttons[x.Text] = x
		}
	})
	return p, label, buttons, done
}

// editEntry returns the text entry of the edit dialog open in p's window.
func editEntry(t *testing.T, p *interceptPanel) *widget.Entry {
	t.Helper()
	var found *widget.Entry
	if top := p.win.Canvas().Overlays().Top(); top != nil {
		walk(top, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
			if e, ok := o.(*widget.Entry); ok && e.MultiLine && found == nil {
				found = e
			}
		})
	}
	if found == nil {
		t.Fatal("no edit dialog is open")
	}
	return found
}

// TestInterceptPanelPausesAndForwards sets a rule in the Intercept window,
// sends a matching request through a real relay, sees it paused in the
// list, taps Forward, and sees the exchange complete.
func TestInterceptPanelPausesAndForwards(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := []step{
		{session.FromClient, []byte("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
	}
	p, label, buttons, done := interceptOn(t, h, steps, nil)
	if !strings.HasPrefix(label, "→ #1 GET /hold on 127.0.0.1:") || buttons["Forward"] == nil {
		t.Fatalf("paused row %q, buttons %v", label, buttons)
	}
	test.Tap(buttons["Forward"])
	<-done
	h.waitFor("the exchange to complete", func() bool {
		for _, e := range h.in.st.Exchanges(0) {
			if e.Request.Target == "/hold" && e.Response != nil && e.Response.Status == 200 {
				return slices.ContainsFunc(e.Hints, func(x session.Hint) bool { return strings.HasPrefix(x.Text, "forwarded unchanged after ") })
			}
		}
		return false
	})
	h.waitFor("the paused list to empty", func() bool { return len(p.paused) == 0 })
	p.on.SetChecked(false)
	if !strings.HasPrefix(p.status.Text, "Intercept is off") {
		t.Fatalf("status %q", p.status.Text)
	}
}

// TestInterceptEditKeepsTextThatDoesNotParse: an edit that is not a
// request reopens the editor with the text and the reason; the next,
// good edit is forwarded, recorded with the original beside it, and the
// status line no longer shows an old "Too late".
func TestInterceptEditKeepsTextThatDoesNotParse(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	answer := step{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")}
	steps := []step{{session.FromClient, []byte("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")}, answer}
	// The upstream must get the edited request, byte for byte.
	upSteps := []step{{session.FromClient, []byte("GET /edited HTTP/1.1\r\nHost: x\r\n\r\n")}, answer}
	p, _, buttons, done := interceptOn(t, h, steps, upSteps)
	test.Tap(buttons["Edit…"])
	editEntry(t, p).SetText("HELLO")
	test.Tap(findButton(t, p.win.Canvas().Overlays().Top(), "Forward edited"))
	if text := editEntry(t, p).Text; text != "HELLO" || !strings.Contains(overlayText(p.win), "Not forwarded: line 1:") {
		t.Fatalf("after a bad edit the editor holds %q and says %q", text, overlayText(p.win))
	}
	p.act(func(r *proxy.Relay) error { return r.Resume("no-such-exchange", nil) })
	if !strings.HasPrefix(p.status.Text, "Too late") {
		t.Fatalf("status after acting on nothing: %q", p.status.Text)
	}
	editEntry(t, p).SetText("GET /edited HTTP/1.1\nHost: x\n\n") // LF: becomes CRLF
	test.Tap(findButton(t, p.win.Canvas().Overlays().Top(), "Forward edited"))
	<-done
	h.waitFor("the edited exchange to complete", func() bool {
		for _, e := range h.in.st.Exchanges(0) {
			if e.Request.Target == "/edited" && e.Original != nil && e.Original.Target == "/hold" && e.Response != nil {
				return true
			}
		}
		return false
	})
	if !strings.HasPrefix(p.status.Text, "Pausing") {
		t.Errorf("status after the good edit: %q", p.status.Text)
	}
}
