package ui

import (
	"fmt"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"strings"

	"ptth-inspector/ui/filter"
)

// filterBar is the filter entry over the timeline, with the COMET fold
// toggle and the error of a filter that does not parse.
type filterBar struct {
	in    *inspector
	entry *widget.Entry
	fold  *widget.Check
	err   *widget.Label
	box   fyne.CanvasObject
	good  string // the text of the filter in force
}

func newFilterBar(in *inspector) *filterBar {
	f := &filterBar{in: in, entry: widget.NewEntry(), err: widget.NewLabel("")}
	f.entry.SetPlaceHolder("Filter (Ctrl+F)   e.g. olleh dir:reverse status:>=400")
	f.entry.OnChanged = f.apply
	f.err.Importance = widget.DangerImportance
	f.err.Truncation = fyne.TextTruncateEllipsis
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

// apply parses the text and filters; a broken filter leaves the last good one.
func (f *filterBar) apply(text string) {
	q, err := filter.Parse(text)
	if err != nil {
		still := "no filter"
		if strings.TrimSpace(f.good) != "" {
			still = fmt.Sprintf("the last good filter %q", f.good)
		}
		f.err.SetText(fmt.Sprintf("Filter not applied: %v. Showing %s.", err, still))
		f.err.Show()
		return
	}
	f.err.Hide()
	f.good = text
	f.in.setFilter(q)
}

// focus puts the cursor in the filter entry.
func (f *filterBar) focus() { f.in.win.Canvas().Focus(f.entry) }
