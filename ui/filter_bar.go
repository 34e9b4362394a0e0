package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/ui/filter"
)

// filterBar is the filter entry over the timeline, with the COMET fold
// toggle and the error of a filter that does not parse.
type filterBar struct {
	in    *inspector
	entry *filterEntry
	fold  *widget.Check
	err   *widget.Label
	box   fyne.CanvasObject
}

func newFilterBar(in *inspector) *filterBar {
	f := &filterBar{in: in, entry: newFilterEntry(in), err: widget.NewLabel("")}
	f.entry.SetPlaceHolder("Filter (Ctrl+F)   e.g. olleh dir:reverse status:>=400")
	f.entry.OnChanged = f.apply
	f.err.Importance = widget.DangerImportance
	f.err.Wrapping = fyne.TextWrapWord // every term left out is named
	f.err.Hide()
	f.fold = widget.NewCheck("Fold COMET carriers", func(on bool) {
		in.model.SetFold(on)
		in.refreshAll()
	})
	help := widget.NewButtonWithIcon("", fynetheme.QuestionIcon(), func() {
		dialog.ShowInformation("Filter language", filter.Help, in.win)
	})
	f.box = container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(fynetheme.SearchIcon()),
		container.NewHBox(f.fold, help), f.entry), f.err)
	return f
}

func (f *filterBar) object() fyne.CanvasObject { return f.box }

// apply parses the text and filters by every term that parses; the error
// line names the terms left out and says what the filter still holds.
func (f *filterBar) apply(text string) {
	q, errs := filter.ParsePartial(text)
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, err := range errs {
			msgs[i] = err.Error()
		}
		rest := "nothing else to filter by, so everything shows"
		if !q.Empty() {
			rest = fmt.Sprintf("filtering by the rest: %s", q)
		}
		f.err.SetText(fmt.Sprintf("Left out: %s — %s.", strings.Join(msgs, "; "), rest))
		f.err.Show()
	} else {
		f.err.Hide()
	}
	f.in.setFilter(q)
}

// focus puts the cursor in the filter entry.
func (f *filterBar) focus() { f.in.win.Canvas().Focus(f.entry) }

// filterEntry is the filter's text entry; Esc, Enter and ↓ hand the
// keyboard to the timeline (↓ also moves its selection), so a person can
// type a filter and walk the rows without the mouse.
type filterEntry struct {
	widget.Entry
	in *inspector
}

func newFilterEntry(in *inspector) *filterEntry {
	e := &filterEntry{in: in}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey leaves the entry on Esc, Enter and ↓; other keys edit the text.
func (e *filterEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
		e.in.timeline.focus()
	case fyne.KeyDown:
		e.in.timeline.focus()
		e.in.timeline.move(1)
	default:
		e.Entry.TypedKey(ev)
	}
}
