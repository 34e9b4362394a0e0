package ui

import (
	"net"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/cli"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

// Regression tests from a review of the window's intercept, settings and
// editor paths.

func holdSteps() []step {
	return []step{
		{session.FromClient, []byte("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
	}
}

func overlayButton(w fyne.Window, text string) *widget.Button {
	var b *widget.Button
	if top := w.Canvas().Overlays().Top(); top != nil {
		walk(top, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
			if x, ok := o.(*widget.Button); ok && x.Text == text {
				b = x
			}
		})
	}
	return b
}

func TestInterceptEditAfterRelayStoppedSaysSo(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := holdSteps()
	relay := h.live(tinyUpstream(t, steps))
	p := h.in.showIntercept()
	p.rule.SetText("method:GET")
	p.on.SetChecked(true)
	c, err := net.Dial("tcp", relay)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(steps[0].bytes)
	h.waitFor("the request to pause", func() bool { return len(p.paused) == 1 })
	p.edit(p.paused[0])
	fwd := overlayButton(p.win, "Forward edited")
	if fwd == nil {
		t.Fatal("no Forward edited button")
	}
	h.in.be.StopRelay()
	test.Tap(fwd)
	if p.status.Text != "The relay is not running: nothing is paused any more." {
		t.Fatalf("status %q", p.status.Text)
	}
}

func TestClosingTheInterceptWindowTurnsInterceptOff(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	h.live(tinyUpstream(t, holdSteps()))
	p := h.in.showIntercept()
	p.rule.SetText("method:GET")
	p.on.SetChecked(true)
	if !h.in.be.Relay().Intercepting() {
		t.Fatal("rule not installed")
	}
	p.win.Close()
	if h.in.be.Relay().Intercepting() || h.in.intercept != nil {
		t.Fatal("the rule outlived the Intercept window")
	}
}

func TestInterceptRuleSurvivesARelayRestart(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := holdSteps()
	h.live(tinyUpstream(t, steps))
	p := h.in.showIntercept()
	p.rule.SetText("method:GET")
	p.on.SetChecked(true)
	h.in.toggleRelay() // stop
	h.in.toggleRelay() // start: a new relay
	if !p.on.Checked || !h.in.be.Relay().Intercepting() {
		t.Fatalf("after a restart the panel says %q but the relay has no rule", p.status.Text)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }()
		runClient(t, h.in.be.(*relayBackend).listen, steps)
	}()
	h.waitFor("the request to pause", func() bool { return len(h.in.be.Relay().PausedRequests()) == 1 })
	p.on.SetChecked(false) // releases it
	<-done
}

func TestRelaySettingsRestartTheMockServer(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	h.in.startLive(engine.Options{Listen: "127.0.0.1:0", Server: true, Out: filepath.Join(t.TempDir(), "a.ptthcap")})
	t.Cleanup(func() {
		if h.in.be != nil {
			h.in.be.Close()
		}
	})
	if h.in.be.Relay() == nil {
		t.Fatal("relay not started")
	}
	h.in.showSettings()
	b := overlayButton(h.w, "Start relay")
	if b == nil {
		t.Fatal("no Start relay button")
	}
	test.Tap(b)
	if h.in.be.Relay() == nil {
		t.Fatalf("relay not restarted; banner: %q", h.in.banner.message())
	}
}

func TestSessionGoneWithoutACaptureIsAnErrorNotAPanic(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	e := h.in.openEditor(nil)
	defer e.win.Close()
	e.sent(engine.Reverse, "s1", "", engine.ErrSessionGone)
}

func TestDemoOnABusyDefaultPortTakesAFreeOne(t *testing.T) {
	ln, err := net.Listen("tcp", cli.DefaultListen)
	if err != nil {
		t.Skipf("cannot hold the default port for the test: %v", err)
	}
	defer ln.Close()
	o := liveOptions(cli.WindowOptions{Listen: cli.DefaultListen, Demo: true})
	if o.Listen != "127.0.0.1:0" {
		t.Fatalf("demo kept the busy default port: %q", o.Listen)
	}
	if o := liveOptions(cli.WindowOptions{Listen: cli.DefaultListen}); o.Listen != cli.DefaultListen {
		t.Fatalf("a relay without demo moved off the address asked for: %q", o.Listen)
	}
}
