package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/session/diff"
	ptheme "ptth-inspector/theme"
)

// diffView is a window comparing exchange A (the original) with B (its
// replay, or any exchange): the summary on top, then a unified diff of
// start lines, headers and body lines in one virtualised list.
type diffView struct {
	in       *inspector
	win      fyne.Window
	aID, bID string
	summary  *widget.Label
	legend   *widget.Label
	ignore   *widget.Entry
	list     *widget.List
	rows     []diffRow
	result   diff.Result
	gen      int // bumps on every comparison; late results are dropped
	polls    int // re-reads while a response is pending
}

// diffPollEvery and diffPolls bound how long the view waits for a pending
// response to arrive.
const (
	diffPollEvery = 300 * time.Millisecond
	diffPolls     = 100
)

// openDiff opens a window comparing exchanges aID and bID.
func (in *inspector) openDiff(aID, bID string) *diffView {
	if aID == "" || bID == "" {
		in.banner.show("Pick two exchanges to compare: “Mark for diff” on one, then “Diff with marked” on another.", "", nil)
		return nil
	}
	v := &diffView{in: in, aID: aID, bID: bID, summary: widget.NewLabel("Comparing…"), legend: widget.NewLabel("")}
	v.summary.TextStyle.Bold = true
	v.summary.Wrapping = fyne.TextWrapWord
	v.legend.TextStyle = ptheme.Mono
	v.legend.Truncation = fyne.TextTruncateEllipsis
	v.ignore = widget.NewEntry()
	v.ignore.SetText(strings.Join(in.diffIgnore(), ", "))
	v.ignore.OnChanged = func(string) { v.compare() }
	v.list = widget.NewList(func() int { return len(v.rows) }, newDiffLine,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(v.rows) {
				o.(*diffLine).set(v.rows[id])
			}
		})
	v.list.HideSeparators = true
	refresh := widget.NewButtonWithIcon("Refresh", fynetheme.ViewRefreshIcon(), func() { v.polls = 0; v.compare() })
	copyBtn := widget.NewButtonWithIcon("Copy as text", fynetheme.ContentCopyIcon(), func() {
		in.app.Clipboard().SetContent(v.text())
	})
	ignoreRow := container.NewBorder(nil, nil, widget.NewLabel("Ignore headers:"), container.NewHBox(refresh, copyBtn), v.ignore)
	top := container.NewVBox(v.summary, v.legend, ignoreRow, widget.NewSeparator())
	v.win = in.app.NewWindow("Diff " + in.exchangeName(aID, true) + " ↔ " + in.exchangeName(bID, true) + " — PTTH Inspector")
	v.win.SetContent(container.NewBorder(top, nil, nil, nil, v.list))
	v.win.Resize(fyne.NewSize(900, 700))
	v.win.SetOnClosed(func() { v.gen++; v.polls = diffPolls })
	v.compare()
	v.win.Show()
	in.rp.lastDiff = v
	return v
}

// compare reads both exchanges from the store and compares them off the
// UI goroutine; while a response is pending it tries again a little later.
func (v *diffView) compare() {
	v.gen++
	gen := v.gen
	a, b := v.in.st.Exchange(v.aID), v.in.st.Exchange(v.bID)
	opts := diff.Options{Ignore: parseIgnore(v.ignore.Text)}
	v.in.setDiffIgnore(opts.Ignore)
	v.legend.SetText("−  only in A, " + v.describe(v.aID, a) + "\n+  only in B, " + v.describe(v.bID, b) +
		"\n~  changed: the A line (~-), then the B line (~+)")
	go func() {
		res := diff.Compare(a, b, opts)
		rows := diffRows(res)
		v.in.do(func() {
			if gen != v.gen {
				return
			}
			v.result, v.rows = res, rows
			v.summary.SetText(res.Summary())
			v.list.Refresh()
			if pending(a) || pending(b) {
				v.retry(gen)
			}
		})
	}()
}

// retry compares again after diffPollEvery, unless something newer ran.
func (v *diffView) retry(gen int) {
	if v.polls >= diffPolls {
		return
	}
	v.polls++
	time.AfterFunc(diffPollEvery, func() {
		v.in.do(func() {
			if gen == v.gen {
				v.compare()
			}
		})
	})
}

func pending(x *session.Exchange) bool { return x != nil && x.Pending() }

// describe names an exchange for the legend, as the timeline does.
func (v *diffView) describe(id string, x *session.Exchange) string {
	if x == nil {
		return v.in.exchangeName(id, false) + " (not in this capture)"
	}
	s := v.in.exchangeName(id, true)
	if x.ReplayOf != "" {
		s += " (replay of " + v.in.exchangeName(x.ReplayOf, false) + ")"
	}
	return s
}

// text returns the diff as plain unified text.
func (v *diffView) text() string {
	var b strings.Builder
	b.WriteString(v.summary.Text + "\n")
	for _, r := range v.rows {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}

// diffLine draws one diff row: a tinted background, the marker and the
// text in monospace.
type diffLine struct {
	widget.BaseWidget
	bg   *canvas.Rectangle
	mark *canvas.Text
	text *canvas.Text
}

func newDiffLine() fyne.CanvasObject {
	l := &diffLine{bg: canvas.NewRectangle(color.Transparent), mark: canvas.NewText("", color.Black), text: canvas.NewText("", color.Black)}
	l.mark.TextStyle, l.text.TextStyle = ptheme.Mono, ptheme.Mono
	l.ExtendBaseWidget(l)
	return l
}

// CreateRenderer stacks the background under the marker and the text.
func (l *diffLine) CreateRenderer() fyne.WidgetRenderer {
	mark := container.New(&columns{widths: []float32{28}}, l.mark)
	row := container.NewBorder(nil, nil, mark, nil, container.New(overflow{}, l.text))
	return widget.NewSimpleRenderer(container.NewStack(l.bg, row))
}

// set shows r.
func (l *diffLine) set(r diffRow) {
	c := fynetheme.Color(r.kind.colour(r.ignored))
	l.mark.Text, l.mark.Color = r.mark, c
	l.text.Text, l.text.Color = r.text, c
	if r.ignored {
		l.text.Text += "   (ignored)"
	}
	l.text.TextStyle = ptheme.Mono
	if r.kind == rowTitle {
		l.text.TextStyle = fyne.TextStyle{Bold: true}
	}
	l.bg.FillColor = color.Transparent
	if r.kind == rowAdded || r.kind == rowRemoved || r.kind == rowChanged {
		if !r.ignored {
			l.bg.FillColor = ptheme.Tint(c, 0x22)
		}
	}
	l.mark.Refresh()
	l.text.Refresh()
	l.bg.Refresh()
}
