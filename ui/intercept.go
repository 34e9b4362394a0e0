package ui

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy"
	"ptth-inspector/session"
	"ptth-inspector/session/edit"
	"ptth-inspector/ui/filter"
)

// interceptPanel is the Intercept window: a breakpoint rule in the filter
// language, and the requests paused by it, to forward, edit or drop.
type interceptPanel struct {
	in      *inspector
	win     fyne.Window
	rule    *widget.Entry
	timeout *widget.Entry
	on      *widget.Check
	status  *widget.Label
	note    string // what status says while nothing has gone wrong: the rule in force
	list    *widget.List
	paused  []proxy.Paused
	dirty   atomic.Bool
	stop    chan struct{} // ends the countdown ticker when the window closes
	shown   atomic.Int32  // len(paused), for the ticker's goroutine
}

// showIntercept opens (or raises) the Intercept window.
func (in *inspector) showIntercept() *interceptPanel {
	if in.intercept != nil {
		in.intercept.win.Show()
		in.intercept.win.RequestFocus()
		return in.intercept
	}
	p := &interceptPanel{in: in, win: in.app.NewWindow("Intercept — PTTH Inspector")}
	p.rule = widget.NewEntry()
	p.rule.SetPlaceHolder("e.g. dir:reverse method:POST   (the filter language)")
	p.timeout = widget.NewEntry()
	p.timeout.SetText("60")
	p.on = widget.NewCheck("Pause matching requests before they are forwarded", func(bool) { p.apply() })
	p.status = widget.NewLabel("Intercept is off.")
	p.status.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(func() int { return len(p.paused) }, p.newRow, p.updateRow)
	form := widget.NewForm(
		widget.NewFormItem("Rule", p.rule),
		widget.NewFormItem("Forward unchanged after (s)", p.timeout))
	p.rule.OnSubmitted = func(string) { p.apply() }
	top := container.NewVBox(form, p.on, p.status, widget.NewSeparator(), widget.NewLabel("Paused requests (oldest first):"))
	p.win.SetContent(container.NewBorder(top, nil, nil, nil, p.list))
	p.win.Resize(fyne.NewSize(760, 460))
	p.stop = make(chan struct{})
	go p.countdown()
	p.win.SetOnClosed(func() {
		close(p.stop)
		// No window, no way to release what pauses: intercept goes off.
		if r := p.relay(); r != nil {
			r.SetIntercept(nil, 0, nil)
		}
		in.intercept = nil
	})
	in.intercept = p
	p.win.Show()
	return p
}

// apply installs (or removes) the rule on the running relay.
func (p *interceptPanel) apply() {
	r := p.relay()
	if r == nil {
		p.status.SetText("The relay is not running: nothing to intercept.")
		if p.on.Checked {
			p.on.SetChecked(false)
		}
		return
	}
	if !p.on.Checked {
		r.SetIntercept(nil, 0, nil)
		p.status.SetText("Intercept is off; anything paused was forwarded unchanged.")
		p.refresh()
		return
	}
	q, err := filter.Parse(p.rule.Text)
	if err != nil {
		p.status.SetText("Rule: " + err.Error())
		p.on.SetChecked(false)
		return
	}
	secs, err := strconv.Atoi(p.timeout.Text)
	if err != nil || secs <= 0 {
		p.status.SetText("Timeout: give a whole number of seconds.")
		p.on.SetChecked(false)
		return
	}
	rule := func(e *session.Exchange) bool { return !q.Empty() && q.Match(e) }
	if q.Empty() {
		rule = func(*session.Exchange) bool { return true }
	}
	r.SetIntercept(rule, time.Duration(secs)*time.Second, p.changed)
	p.note = fmt.Sprintf("Pausing requests that match %q (every request when empty), in both directions; each is forwarded unchanged after %d s.", p.rule.Text, secs)
	p.status.SetText(p.note)
}

func (p *interceptPanel) relay() *proxy.Relay {
	if p.in.be == nil {
		return nil
	}
	return p.in.be.Relay()
}

// countdown refreshes the paused list once a second while it shows
// anything, so each row's "forwarded unchanged in Ns" counts down.
func (p *interceptPanel) countdown() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if p.shown.Load() > 0 {
				p.changed()
			}
		}
	}
}

// changed is called by the relay from its goroutines: it only marks the
// list dirty and queues one refresh at a time.
func (p *interceptPanel) changed() {
	if p.dirty.Swap(true) {
		return
	}
	p.in.do(func() {
		p.dirty.Store(false)
		p.refresh()
	})
}

func (p *interceptPanel) refresh() {
	p.paused = nil
	if r := p.relay(); r != nil {
		p.paused = r.PausedRequests()
	}
	p.shown.Store(int32(len(p.paused)))
	p.list.Refresh()
}

func (p *interceptPanel) newRow() fyne.CanvasObject {
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, nil, container.NewHBox(
		widget.NewButton("Forward", nil), widget.NewButton("Edit…", nil), widget.NewButton("Drop", nil)), label)
}

func (p *interceptPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.paused) {
		return
	}
	pd := p.paused[i]
	row := o.(*fyne.Container)
	label := row.Objects[0].(*widget.Label)
	buttons := row.Objects[1].(*fyne.Container).Objects
	label.SetText(fmt.Sprintf("%s %s   (forwarded unchanged in %ds)", arrowOf(pd.Exchange.Direction),
		p.in.nameOf(pd.Exchange, true), int(time.Until(pd.Deadline).Seconds())))
	id := pd.Exchange.ID
	buttons[0].(*widget.Button).OnTapped = func() { p.act(func(r *proxy.Relay) error { return r.Resume(id, nil) }) }
	buttons[1].(*widget.Button).OnTapped = func() { p.edit(pd) }
	buttons[2].(*widget.Button).OnTapped = func() { p.act(func(r *proxy.Relay) error { return r.DropPaused(id) }) }
}

// act applies a decision to a paused request on the running relay.
func (p *interceptPanel) act(f func(r *proxy.Relay) error) {
	r := p.relay()
	if r == nil {
		p.status.SetText("The relay is not running: nothing is paused any more.")
	} else if err := f(r); err != nil {
		p.status.SetText("Too late: " + err.Error())
	} else if p.note != "" {
		p.status.SetText(p.note) // a problem said before is over
	}
	p.refresh()
}

// reapply installs the rule again on a relay that was (re)started, or says
// that intercept is off when there is no relay.
func (p *interceptPanel) reapply() {
	switch {
	case !p.on.Checked:
	case p.relay() == nil:
		p.status.SetText("The relay is stopped; the rule goes back on when it starts.")
	default:
		p.apply()
	}
	p.refresh()
}

// edit lets the user change a paused request's bytes before forwarding;
// line ends become CRLF and Content-Length follows the body.
func (p *interceptPanel) edit(pd proxy.Paused) { p.editText(pd, string(pd.Raw), "") }

// editText opens the editor on text; problem, when not empty, says why
// the text was not forwarded last time (it is kept for another try).
func (p *interceptPanel) editText(pd proxy.Paused, text, problem string) {
	raw := widget.NewMultiLineEntry()
	raw.SetText(text)
	raw.TextStyle = fyne.TextStyle{Monospace: true}
	var content fyne.CanvasObject = container.NewGridWrap(fyne.NewSize(640, 320), raw)
	if problem != "" {
		l := widget.NewLabel("Not forwarded: " + problem)
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		content = container.NewBorder(l, nil, nil, nil, content)
	}
	d := dialog.NewCustomConfirm("Edit the paused request", "Forward edited", "Cancel", content, func(ok bool) {
		if !ok {
			return
		}
		req, err := edit.Parse([]byte(raw.Text))
		if err != nil {
			p.editText(pd, raw.Text, err.Error())
			return
		}
		req.AutoLength = true
		p.act(func(r *proxy.Relay) error { return r.Resume(pd.Exchange.ID, req.Bytes()) })
	}, p.win)
	d.Show()
}
