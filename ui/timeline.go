package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/ui/view"
)

// timeline is the centre list: one row per exchange of the selected
// session (or all of them) in wire order, with the role-flip divider.
type timeline struct {
	in      *inspector
	list    *keyList
	header  *fyne.Container
	empty   *widget.Label // says a filter hides everything
	box     fyne.CanvasObject
	syncing bool
	current int // list row selected now, -1 for none
}

// keyList is a widget.List whose ↑/↓ move the selection and whose Enter
// opens the detail pane.
type keyList struct {
	widget.List
	onKey func(*fyne.KeyEvent) bool
}

// TypedKey handles the timeline's keys before the list's own.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(ev) {
		return
	}
	l.List.TypedKey(ev)
}

func newTimeline(in *inspector) *timeline {
	t := &timeline{in: in, current: -1}
	l := &keyList{}
	l.Length = func() int { return in.model.Len() }
	l.CreateItem = func() fyne.CanvasObject { return newTimelineRow() }
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { t.update(id, o.(*timelineRow)) }
	l.OnSelected = func(id widget.ListItemID) {
		t.current = id
		if t.syncing {
			return
		}
		if in.follow { // a person picked a row: stop scrolling it away
			in.follow = false
			in.toolbar.refresh()
		}
		t.focus() // so ↑/↓ go on from the row picked, not to the filter entry
		t.choose(id)
	}
	l.onKey = t.key
	l.ExtendBaseWidget(l)
	t.list = l
	var heads []fyne.CanvasObject
	for _, h := range timelineHeaders {
		txt := canvas.NewText(h, fynetheme.Color(fynetheme.ColorNamePlaceHolder))
		txt.TextStyle.Bold = true
		txt.TextSize = 11
		heads = append(heads, txt)
	}
	heads[colTarget] = widget.NewLabelWithStyle("target", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.header = container.New(timelineColumns, heads...)
	t.empty = widget.NewLabelWithStyle("No exchange matches the filter.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	t.empty.Hide()
	t.box = container.NewBorder(t.header, nil, nil, nil, container.NewStack(l, container.NewCenter(t.empty)))
	return t
}

func (t *timeline) object() fyne.CanvasObject { return t.box }

func (t *timeline) update(id widget.ListItemID, r *timelineRow) {
	it := t.in.model.Item(id)
	if it.Divider() {
		if it.Session != nil {
			r.showDivider(it.Session, t.in.model.Selected() == view.AllSessions)
		}
		return
	}
	first, last := t.in.model.Span()
	from, to := float32(0), float32(0) // all at one instant: a tick, not a full bar
	if it.Exchange.Pending() {
		to = 1
	}
	if span := last.Sub(first); span > 0 {
		s, e := it.Exchange.Started(), it.Exchange.Started().Add(it.Exchange.Duration())
		if it.Exchange.Response != nil && !it.Exchange.Response.Last.IsZero() {
			e = it.Exchange.Response.Last
		}
		from = float32(s.Sub(first)) / float32(span)
		to = float32(e.Sub(first)) / float32(span)
		if it.Exchange.Pending() {
			to = 1
		}
	}
	r.showExchange(it.Exchange, from, to)
}

// choose selects visible row id: an exchange opens in the detail pane.
func (t *timeline) choose(id int) {
	it := t.in.model.Item(id)
	if it.Divider() {
		return
	}
	t.in.selectExchange(it.Row)
}

// refresh redraws the rows, keeps the selected exchange selected and, when
// following, scrolls to the newest row.
func (t *timeline) refresh() {
	for _, h := range t.header.Objects {
		if txt, ok := h.(*canvas.Text); ok {
			txt.Color = fynetheme.Color(fynetheme.ColorNamePlaceHolder)
		}
	}
	t.list.Refresh()
	if q := t.in.model.Filter(); q != nil && !q.Empty() && t.in.model.Matches() == 0 && t.in.model.Exchanges() > 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.reselect()
	if t.in.follow && t.in.model.Len() > 0 {
		t.list.ScrollToBottom()
	}
}

// reselect highlights the selected exchange where it now sits, or nothing
// when the filter or the session choice hides it.
func (t *timeline) reselect() {
	want := -1
	if t.in.selRow >= 0 {
		want = t.in.model.IndexOf(t.in.selRow)
	}
	t.in.detail.markHidden(t.in.selRow >= 0 && want < 0)
	if want == t.current {
		return
	}
	t.syncing = true
	if want < 0 {
		t.list.UnselectAll()
	} else {
		t.list.Select(want)
	}
	t.syncing = false
	t.current = want
}

// move selects the exchange delta rows away, skipping dividers.
func (t *timeline) move(delta int) {
	n := t.in.model.Len()
	if n == 0 {
		return
	}
	i := t.current
	if i < 0 {
		i = -delta
		if delta < 0 {
			i = n
		}
	}
	for {
		i += delta
		if i < 0 || i >= n {
			return
		}
		if !t.in.model.Item(i).Divider() {
			break
		}
	}
	t.in.follow = false
	t.in.toolbar.refresh()
	t.list.Select(i)
}

// key handles ↑, ↓ and Enter; it reports whether it used the key.
func (t *timeline) key(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyUp:
		t.move(-1)
	case fyne.KeyDown:
		t.move(1)
	case fyne.KeyReturn, fyne.KeyEnter:
		t.in.detail.open()
	default:
		return false
	}
	return true
}

// focus gives the timeline the keyboard.
func (t *timeline) focus() { t.in.win.Canvas().Focus(t.list) }
