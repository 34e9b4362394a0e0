package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
)

// detail is the pane under the timeline: Request, Response, Timing, Hints
// and Raw tabs for the selected exchange.
type detail struct {
	in       *inspector
	tabs     *container.AppTabs
	request  *messageView
	response *messageView
	timing   *timingView
	hints    *hintsView
	raw      *rawView
	empty    *widget.Label
	hidden   *widget.Label // says the exchange shown is not in the timeline now
	box      *fyne.Container
	ex       *session.Exchange
}

func newDetail(in *inspector) *detail {
	d := &detail{in: in, request: newMessageView(in), response: newMessageView(in), timing: newTimingView(in),
		hints: newHintsView(), raw: newRawView(in),
		empty: widget.NewLabel("Select an exchange to see its request, response, timing, hints and wire bytes.")}
	d.empty.Alignment = fyne.TextAlignCenter
	d.tabs = container.NewAppTabs(
		container.NewTabItem("Request", d.request.object()),
		container.NewTabItem("Response", d.response.object()),
		container.NewTabItem("Timing", d.timing.object()),
		container.NewTabItem("Hints", d.hints.object()),
		container.NewTabItem("Raw", d.raw.object()))
	d.tabs.Hide()
	d.hidden = widget.NewLabelWithStyle("Not in the timeline now (filter or session)", fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
	d.hidden.Importance = widget.WarningImportance
	d.hidden.Hide()
	d.box = container.NewStack(container.NewCenter(d.empty), d.tabs,
		container.NewVBox(container.NewHBox(layout.NewSpacer(), d.hidden, in.replayButtons())))
	return d
}

func (d *detail) object() fyne.CanvasObject { return d.box }

// show displays e (nil: nothing selected).
func (d *detail) show(e *session.Exchange) {
	d.ex = e
	if e == nil {
		d.hidden.Hide()
		d.tabs.Hide()
		d.empty.Show()
		return
	}
	d.empty.Hide()
	d.tabs.Show()
	reqSide, respSide := sides(e)
	if e.Injected {
		reqSide = "the inspector (a replay; no peer sent it)"
	}
	if e.Original != nil {
		d.request.showEdited(e.Request, e.Original, "Request from "+reqSide)
	} else {
		d.request.show(e.Request, "Request from "+reqSide)
	}
	resp := "Response from " + respSide
	if slices.ContainsFunc(e.Hints, func(h session.Hint) bool { return h.Code == session.HintAnswered }) {
		resp = "Response from the inspector (the upstream never saw the request)"
	}
	if e.Response == nil {
		resp = "No response yet"
		if e.Error != "" {
			resp = "No response: " + e.Error
		}
	}
	d.response.show(e.Response, resp)
	d.timing.show(e)
	d.hints.show(e, d.in.model.SessionOf(e))
	d.raw.show(e)
	d.tabs.Items[3].Text = "Hints"
	if n := session.Warnings(e.Hints); n > 0 {
		d.tabs.Items[3].Text = "Hints ⚠"
	}
	d.tabs.Refresh()
}

// markHidden says whether the exchange shown is out of the timeline (a
// filter or the session choice hides it): it stays shown, marked.
func (d *detail) markHidden(hidden bool) {
	if hidden && d.ex != nil {
		d.hidden.Show()
	} else {
		d.hidden.Hide()
	}
}

// update shows a newer snapshot of the selected exchange (its response
// arrived); unchanged parts keep their scroll position.
func (d *detail) update(e *session.Exchange) {
	if e == nil || e == d.ex {
		return
	}
	d.show(e)
}

// open brings the detail forward: the Request tab unless one is chosen.
func (d *detail) open() {
	if d.ex == nil {
		return
	}
	d.tabs.Show()
	if d.tabs.SelectedIndex() < 0 {
		d.tabs.SelectIndex(0)
	}
	d.in.win.Canvas().Focus(nil)
}

// selectTab shows the tab with the given title.
func (d *detail) selectTab(title string) {
	for i, it := range d.tabs.Items {
		if it.Text == title || (title == "Hints" && i == 3) {
			d.tabs.SelectIndex(i)
		}
	}
}

// sides names who sent the request and who sent the response.
func sides(e *session.Exchange) (req, resp string) {
	if e.Direction == session.Reverse {
		return "upstream (server → client)", "client"
	}
	return "client (client → server)", "upstream"
}

// wireSides returns the transcript side of the request and the response.
func wireSides(e *session.Exchange) (req, resp session.Side) {
	if e.Direction == session.Reverse {
		return session.FromUpstream, session.FromClient
	}
	return session.FromClient, session.FromUpstream
}
