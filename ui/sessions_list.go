package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/view"
)

// sessionList is the left column: "All sessions", then one row per session.
type sessionList struct {
	in   *inspector
	list *widget.List
	box  fyne.CanvasObject
	// syncing is set while the list's selection is being set from code.
	syncing bool
	current int // list row selected now
}

// sessionRow shows one session on two lines: live dot, client and
// exchange count; then state badge, hint badge and live or closed.
type sessionRow struct {
	widget.BaseWidget
	live   *canvas.Circle
	client *widget.Label
	count  *widget.Label
	state  *badge
	hints  *badge
	since  *canvas.Text
	badges *fyne.Container
	box    *fyne.Container
}

func newSessionRow() *sessionRow {
	r := &sessionRow{live: canvas.NewCircle(color.Transparent), client: widget.NewLabel(""),
		count: widget.NewLabel(""), state: newBadge(), hints: newBadge(), since: canvas.NewText("", color.Black)}
	r.client.Truncation = fyne.TextTruncateEllipsis
	r.since.TextSize = 11
	dot := container.NewGridWrap(fyne.NewSize(10, 10), r.live)
	top := container.NewBorder(nil, nil, container.NewCenter(dot), r.count, r.client)
	r.badges = container.NewHBox(r.state, r.hints, container.NewCenter(r.since))
	r.box = container.NewVBox(top, container.New(overflow{}, r.badges))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's two lines.
func (r *sessionRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func newSessionList(in *inspector) *sessionList {
	s := &sessionList{in: in}
	s.list = widget.NewList(
		func() int { return len(in.sessIdx) + 1 },
		func() fyne.CanvasObject { return newSessionRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) { s.update(id, o.(*sessionRow)) })
	s.list.OnSelected = func(id widget.ListItemID) {
		s.current = id
		if s.syncing {
			return
		}
		sel := view.AllSessions
		if id > 0 && id-1 < len(in.sessIdx) {
			sel = int(in.sessIdx[id-1])
		}
		in.model.Select(sel)
		in.timeline.refresh()
		in.timeline.reselect()
	}
	title := widget.NewLabelWithStyle("Sessions", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.box = container.NewBorder(title, nil, nil, nil, s.list)
	s.syncing = true
	s.list.Select(0)
	s.syncing = false
	return s
}

func (s *sessionList) object() fyne.CanvasObject { return s.box }

func (s *sessionList) update(id widget.ListItemID, r *sessionRow) {
	s.fill(id, r)
	r.box.Refresh() // texts and badges changed width: lay the row out again
}

func (s *sessionList) fill(id widget.ListItemID, r *sessionRow) {
	m := s.in.model
	filtered := !m.Filter().Empty()
	if id == 0 {
		r.live.FillColor = color.Transparent
		r.client.SetText("All sessions")
		r.state.set("", "")
		r.hints.set("", "")
		r.since.Text = ""
		r.badges.Hide()
		if filtered {
			r.count.SetText(fmt.Sprintf("%s/%s", thousands(m.Matches()), thousands(m.Exchanges())))
		} else {
			r.count.SetText(thousands(m.Exchanges()))
		}
		r.live.Refresh()
		return
	}
	if id-1 >= len(s.in.sessIdx) {
		return
	}
	info := m.Sessions()[s.in.sessIdx[id-1]]
	sess := info.S
	r.badges.Show()
	r.since.Color = fynetheme.Color(fynetheme.ColorNamePlaceHolder)
	if sess.Live() {
		r.live.FillColor = fynetheme.Color(fynetheme.ColorNameSuccess)
		r.since.Text = "live since " + sess.Started.Local().Format("15:04:05")
	} else {
		r.live.FillColor = fynetheme.Color(fynetheme.ColorNameDisabled)
		r.since.Text = "closed " + sess.Ended.Local().Format("15:04:05")
	}
	r.live.Refresh()
	r.since.Refresh()
	client := sess.Client
	if client == "" {
		client = shortID(sess.ID)
	}
	r.client.SetText(client)
	text, c := stateBadge(sess.State)
	r.state.set(text, c)
	// The dissector notes a hint about an exchange on the session too, so
	// the session's count covers its hinted rows; rows hinted by an import
	// alone may outnumber it.
	if n := max(session.Warnings(sess.Hints), info.HintRows); n > 0 {
		r.hints.set(fmt.Sprintf("⚠ %d", n), ptheme.ColorNameHint)
	} else {
		r.hints.set("", "")
	}
	if filtered {
		r.count.SetText(fmt.Sprintf("%s/%s", thousands(info.Matches), thousands(info.Exchanges())))
	} else {
		r.count.SetText(thousands(info.Exchanges()))
	}
}

// stateBadge names a session state and its colour.
func stateBadge(s session.State) (string, fyne.ThemeColorName) {
	switch s {
	case session.StateFlipped:
		return "PTTH flipped", ptheme.ColorNameFlip
	case session.StateComet:
		return "COMET", ptheme.ColorNameComet
	case session.StateOpaque:
		return "opaque", ptheme.ColorNameError
	}
	return "HTTP", ptheme.ColorNameForward
}

// refresh redraws the rows and keeps the selected session highlighted.
func (s *sessionList) refresh() {
	s.list.Refresh()
	want := 0
	if sel := s.in.model.Selected(); sel != view.AllSessions {
		for i, si := range s.in.sessIdx {
			if int(si) == sel {
				want = i + 1
			}
		}
	}
	if want != s.current {
		s.syncing = true
		s.list.Select(want)
		s.syncing = false
	}
}

// selectSession selects list row id as a person would.
func (s *sessionList) selectSession(id int) { s.list.Select(id) }

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
