package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/body"
)

// linesView shows text as a virtualised list of monospace lines, so a body
// of many megabytes costs only the rows on screen.
type linesView struct {
	list  *widget.List
	lines body.Lines
}

func newLinesView() *linesView {
	v := &linesView{lines: body.HexLines(nil)}
	v.list = widget.NewList(
		func() int { return v.lines.Len() },
		func() fyne.CanvasObject {
			t := canvas.NewText("", color.Black)
			t.TextStyle = ptheme.Mono
			return container.New(overflow{}, t)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			t := o.(*fyne.Container).Objects[0].(*canvas.Text)
			t.Text = ""
			if id < v.lines.Len() {
				t.Text = v.lines.Line(id)
			}
			t.Color = fynetheme.Color(fynetheme.ColorNameForeground)
			t.Refresh()
		})
	v.list.HideSeparators = true
	return v
}

func (v *linesView) object() fyne.CanvasObject { return v.list }

// set shows lines from the top.
func (v *linesView) set(lines body.Lines) {
	if lines == nil {
		lines = body.HexLines(nil)
	}
	v.lines = lines
	v.list.UnselectAll()
	v.list.ScrollToTop()
	v.list.Refresh()
}

// text returns every line joined by newlines (for tests and small copies).
func (v *linesView) text() string {
	n := v.lines.Len()
	out := make([]byte, 0, n*40)
	for i := 0; i < n; i++ {
		if i > 0 {
			out = append(out, '\n')
		}
		out = append(out, v.lines.Line(i)...)
	}
	return string(out)
}

// overflow lets a line be as wide as its text while asking for no width,
// so a long line never widens the pane; the list clips what sticks out.
type overflow struct{}

// Layout gives each object its own width and the row's height.
func (overflow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(max(o.MinSize().Width, size.Width), size.Height))
	}
}

// MinSize asks only for the height.
func (overflow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}
