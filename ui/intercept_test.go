package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

// TestInterceptPanelPausesAndForwards sets a rule in the Intercept window,
// sends a matching request through a real relay, sees it paused in the
// list, taps Forward, and sees the exchange complete.
func TestInterceptPanelPausesAndForwards(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := []step{
		{session.FromClient, []byte("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
	}
	relay := h.live(tinyUpstream(t, steps))
	p := h.in.showIntercept()
	p.rule.SetText("method:GET /hold")
	p.on.SetChecked(true)
	if !strings.HasPrefix(p.status.Text, "Pausing") {
		t.Fatalf("rule not installed: %q", p.status.Text)
	}
	done := make(chan struct{})
	go func() { runClient(t, relay, steps); close(done) }()
	h.waitFor("the request to pause", func() bool { return len(p.paused) == 1 })
	p.list.Refresh()
	row := p.list.CreateItem()
	p.list.UpdateItem(0, row)
	var label string
	var forward *widget.Button
	walk(row, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		switch x := o.(type) {
		case *widget.Label:
			label = x.Text
		case *widget.Button:
			if x.Text == "Forward" {
				forward = x
			}
		}
	})
	if !strings.HasPrefix(label, "→ #1 GET /hold on 127.0.0.1:") || forward == nil {
		t.Fatalf("paused row %q, forward button %v", label, forward)
	}
	test.Tap(forward)
	<-done
	h.waitFor("the exchange to complete", func() bool {
		for _, e := range h.in.st.Exchanges(0) {
			if e.Request.Target == "/hold" && e.Response != nil && e.Response.Status == 200 {
				return true
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
