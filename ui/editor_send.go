package ui

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/proxy/mock"
	"ptth-inspector/proxy/replay"
	"ptth-inspector/session"
)

// replayer is what the editor needs of the live capture: *engine.Engine
// (through engineBackend) has it; a bare relay does not.
type replayer interface {
	Replay(ctx context.Context, kind engine.Kind, sessionID string, req []byte, replayOf string) (string, error)
	Repeat(ctx context.Context, kind engine.Kind, sessionID string, req []byte, replayOf string, n int, pipelined bool) replay.Stats
	Alternatives(sessionID string) []string
	Context() context.Context
	Mock() *mock.Server
}

// replayer returns the live capture's replayer, or nil (a file, no engine).
func (in *inspector) replayer() replayer {
	r, _ := in.be.(replayer)
	return r
}

// kinds are the targets in the order the selector lists them.
var kinds = []engine.Kind{engine.Forward, engine.Reverse, engine.Comet}

// buildSend makes the target selector and the send and repeat controls.
func (e *editor) buildSend() {
	var names []string
	for _, k := range kinds {
		names = append(names, k.String())
	}
	e.kind = widget.NewSelect(names, func(string) { e.refreshTargets() })
	e.sessSel = widget.NewSelect(nil, func(label string) {
		if id, ok := e.sessIDs[label]; ok {
			e.sessionID = id
		}
	})
	e.sessSel.PlaceHolder = "no live flipped session"
	e.sessBox = container.New(&columns{widths: []float32{300}}, e.sessSel)
	e.clients = widget.NewLabel("")
	e.clients.Wrapping = fyne.TextWrapWord
	e.send = widget.NewButtonWithIcon("Send", fynetheme.MailSendIcon(), e.sendNow)
	e.send.Importance = widget.HighImportance
	e.count = widget.NewEntry()
	e.count.SetText("10")
	e.pipelined = widget.NewCheck("pipelined", nil)
	e.repeat = widget.NewButtonWithIcon("Repeat", fynetheme.ViewRefreshIcon(), e.repeatNow)
	e.diffBtn = widget.NewButtonWithIcon("Diff with original", fynetheme.ListIcon(), func() {
		e.in.openDiff(e.origOf(e.lastID), e.lastID)
	})
	e.diffBtn.Disable()
	e.status = widget.NewLabel("")
	e.status.Wrapping = fyne.TextWrapWord
}

// sendBar is the row above the views: template, target and send.
func (e *editor) sendBar() fyne.CanvasObject {
	refresh := widget.NewButtonWithIcon("", fynetheme.ViewRefreshIcon(), e.refreshTargets)
	refresh.Importance = widget.LowImportance
	kind := container.New(&columns{widths: []float32{230}}, e.kind)
	tmpl := container.New(&columns{widths: []float32{230}}, e.template)
	left := container.NewHBox(tmpl, widget.NewLabel("Send"), kind, e.sessBox, refresh)
	return container.NewBorder(nil, nil, left, container.NewHBox(e.diffBtn, e.send))
}

// repeatBar holds the repeat count, pipelining and the repeat button.
func (e *editor) repeatBar() fyne.CanvasObject {
	count := container.New(&columns{widths: []float32{80}}, e.count)
	return container.NewHBox(widget.NewLabel("Repeat"), count, widget.NewLabel("times"), e.pipelined, e.repeat)
}

// selectedKind returns the chosen target.
func (e *editor) selectedKind() engine.Kind {
	for _, k := range kinds {
		if k.String() == e.kind.Selected {
			return k
		}
	}
	return engine.Forward
}

// refreshTargets lists the live flipped sessions a reverse replay can
// write into (the original's first) and, in --server mode, the mock
// server's clients.
func (e *editor) refreshTargets() {
	rev := e.selectedKind() == engine.Reverse
	e.pipelined.Disable()
	e.sessBox.Hide()
	if rev {
		e.pipelined.Enable()
		e.sessBox.Show()
	}
	var live []string
	if be := e.in.be; be != nil && be.Relay() != nil {
		live = be.Relay().LiveFlipped("")
	}
	clear(e.sessIDs)
	var labels []string
	add := func(id, extra string) {
		l := e.in.sessionName(id) + extra
		if other, dup := e.sessIDs[l]; dup && other != id {
			l += " [" + shortID(id) + "]" // two sessions of one client in one second
		}
		if _, dup := e.sessIDs[l]; !dup {
			e.sessIDs[l] = id
			labels = append(labels, l)
		}
	}
	if e.orig != nil && e.orig.Direction == session.Reverse && !contains(live, e.orig.Session) {
		add(e.orig.Session, " (closed)")
	}
	for _, id := range live {
		add(id, "")
	}
	e.sessSel.SetOptions(labels)
	pick := ""
	for l, id := range e.sessIDs {
		if id == e.sessionID {
			pick = l
		}
	}
	if pick == "" && len(live) > 0 { // not a flipped session: the newest live one
		pick = labels[len(labels)-len(live)]
	}
	e.sessionID = e.sessIDs[pick]
	e.sessSel.SetSelected(pick)
	e.clients.SetText(e.clientsText())
	if e.clients.Text == "" {
		e.clients.Hide()
	} else {
		e.clients.Show()
	}
}

// clientsText describes the mock server's clients in --server mode.
func (e *editor) clientsText() string {
	rp := e.in.replayer()
	if rp == nil {
		return "Replay needs a live capture."
	}
	m := rp.Mock()
	if m == nil {
		if e.selectedKind() == engine.Comet {
			return e.cometTarget()
		}
		return ""
	}
	cs := m.Clients()
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	if len(cs) == 0 {
		return "Mock server: no client connected."
	}
	var parts []string
	for _, c := range cs {
		what := "plain"
		switch {
		case c.Flipped:
			what = "flipped"
		case c.Comet:
			what = "COMET"
		}
		parts = append(parts, fmt.Sprintf("#%d %s %s (%d sent, %d answered)", c.ID, c.Remote, what, c.Sent, c.Answered))
	}
	return "Mock server clients: " + strings.Join(parts, "; ")
}

// sendNow sends the request once, off the UI goroutine; the result comes
// back through in.do.
func (e *editor) sendNow() {
	rp := e.ready()
	if rp == nil {
		return
	}
	kind, sid, req, of := e.selectedKind(), e.sessionID, e.req.Bytes(), e.origID
	if kind == engine.Reverse && sid == "" {
		e.fail(errors.New("no flipped session to send into: wait for a client to flip, then press ↻"))
		return
	}
	e.busy(true, "Sending "+kind.String()+"…")
	go func() {
		id, err := rp.Replay(e.context(rp), kind, sid, req, of)
		e.in.do(func() { e.sent(kind, sid, id, err) })
	}()
}

// sent shows a send's result, offers another session when the reverse
// socket is gone, and selects the new exchange in the timeline.
func (e *editor) sent(kind engine.Kind, sid, id string, err error) {
	e.busy(false, "")
	switch {
	case errors.Is(err, engine.ErrSessionGone):
		e.offerAlternative(sid)
		return
	case err != nil && id == "":
		e.fail(err)
		return
	case err != nil:
		e.fail(fmt.Errorf("%v (%s)", err, e.in.exchangeName(id, true)))
	case id == "":
		e.say("Queued as a " + kind.String() + " for the next poll" + e.pollFrom() + ".")
		return
	default:
		e.say("Sent as " + e.in.exchangeName(id, true) + ". It is selected in the main window.")
	}
	e.lastID = id
	if e.origOf(id) != "" {
		e.diffBtn.Enable()
	}
	e.in.revealWhenShown(id)
}

// offerAlternative asks whether to send into the newest live flipped
// session of the same client, after sid's socket closed.
func (e *editor) offerAlternative(sid string) {
	rp := e.in.replayer()
	if rp == nil {
		e.fail(fmt.Errorf("session %s has closed and there is no live capture to replay into", sid))
		return
	}
	alts := rp.Alternatives(sid)
	if len(alts) == 0 {
		e.fail(fmt.Errorf("session %s has closed and its client has no other live flipped session", e.in.sessionName(sid)))
		return
	}
	alt := alts[0]
	e.fail(fmt.Errorf("session %s has closed", e.in.sessionName(sid)))
	dialog.ShowConfirm("The client's socket is gone",
		fmt.Sprintf("Session %s has closed. The same client has a newer flipped session, %s.\nSend into it instead?", e.in.sessionName(sid), e.in.sessionName(alt)),
		func(ok bool) {
			if ok {
				e.sessionID = alt
				e.refreshTargets()
				e.sendNow()
			}
		}, e.win)
}

// repeatNow sends the request count times, off the UI goroutine.
func (e *editor) repeatNow() {
	rp := e.ready()
	if rp == nil {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(e.count.Text))
	if err != nil || n < 1 || n > 100000 {
		e.fail(fmt.Errorf("repeat count %q: give a number from 1 to 100000", e.count.Text))
		return
	}
	kind, sid, req, of := e.selectedKind(), e.sessionID, e.req.Bytes(), e.origID
	pipe := kind == engine.Reverse && e.pipelined.Checked
	e.busy(true, fmt.Sprintf("Repeating %d times…", n))
	go func() {
		st := rp.Repeat(e.context(rp), kind, sid, req, of, n, pipe)
		e.in.do(func() {
			e.busy(false, "")
			if st.FirstErr != nil && st.Sent == 0 {
				e.fail(errors.New(st.String()))
				return
			}
			e.say("Repeat: " + st.String())
		})
	}()
}

// ready returns the replayer when the request can go out, or says why
// not and returns nil.
func (e *editor) ready() replayer {
	rp := e.in.replayer()
	switch {
	case rp == nil:
		e.fail(errors.New("replay needs a live capture (the window shows a file or the relay never started)"))
	case e.rawErr.Visible():
		e.fail(errors.New("the raw view does not parse; fix it first (see the error under it)"))
	case e.req.Method == "" || e.req.Target == "":
		e.fail(errors.New("the request needs a method and a target"))
	default:
		return rp
	}
	return nil
}

// busy disables sending while a send or repeat runs.
func (e *editor) busy(on bool, msg string) {
	if on {
		e.send.Disable()
		e.repeat.Disable()
		e.say(msg)
		return
	}
	e.send.Enable()
	e.repeat.Enable()
}

// origOf returns what exchange id replays, from the store.
func (e *editor) origOf(id string) string {
	if x := e.in.st.Exchange(id); x != nil {
		return x.ReplayOf
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// context is what a send or repeat from this editor runs under: done when
// the capture ends or the editor window closes (which stops a long repeat).
func (e *editor) context(rp replayer) context.Context {
	if e.ctx == nil {
		e.ctx, e.cancel = context.WithCancel(rp.Context())
		e.win.SetOnClosed(e.cancel)
	}
	return e.ctx
}

// cometTarget says which client a COMET event from the editor waits for:
// the relay queues it for a host (see Relay.QueueComet), here the host of
// the session the editor was opened on, and the next poll from that host
// takes it, from whichever of its COMET clients polls first.
func (e *editor) cometTarget() string {
	host := e.cometHost()
	if host == "" {
		return "A COMET event goes to a COMET client: open the editor from one of its exchanges."
	}
	var clients []string
	for _, x := range e.in.st.Sessions() {
		if x.State == session.StateComet && x.Live() && dissect.ClientHost(x.Client) == host {
			clients = append(clients, e.in.sessionName(x.ID))
		}
	}
	if len(clients) == 0 {
		return "The event waits for the next poll from " + host + "; no COMET client there is polling now."
	}
	return "The event waits for the next poll from " + host + ": the COMET client " + strings.Join(clients, " or ") +
		". The exchanges appear in the timeline when it polls."
}

// pollFrom names the host whose next poll takes a queued COMET event (the
// mock server queues for its own clients instead).
func (e *editor) pollFrom() string {
	if rp := e.in.replayer(); rp == nil || rp.Mock() != nil {
		return ""
	}
	if host := e.cometHost(); host != "" {
		return " from " + host
	}
	return ""
}

// cometHost is the host the relay queues a COMET event from the editor
// for: that of the session the editor was opened on ("" when unknown).
func (e *editor) cometHost() string {
	if s := e.in.st.Session(e.sessionID); s != nil && s.Client != "" {
		return dissect.ClientHost(s.Client)
	}
	return ""
}
