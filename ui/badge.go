package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
)

// badge is a small rounded label in a role colour: a session's state, a
// hint count, a transport.
type badge struct {
	widget.BaseWidget
	bg    *canvas.Rectangle
	text  *canvas.Text
	color fyne.ThemeColorName
}

func newBadge() *badge {
	b := &badge{bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText("", color.White)}
	b.bg.CornerRadius = 4
	b.text.TextSize = 11
	b.text.TextStyle.Bold = true
	b.ExtendBaseWidget(b)
	return b
}

// set shows text in the named colour; an empty text hides the badge.
func (b *badge) set(text string, c fyne.ThemeColorName) {
	b.text.Text, b.color = text, c
	if text == "" {
		b.Hide()
		return
	}
	b.Show()
	b.Refresh()
}

// Refresh recolours the badge for the current theme.
func (b *badge) Refresh() {
	c := themeColor(b.color)
	b.bg.FillColor = ptheme.Tint(c, 0x30)
	b.bg.StrokeColor = c
	b.bg.StrokeWidth = 1
	b.text.Color = c
	b.bg.Refresh()
	b.text.Refresh()
}

// CreateRenderer lays the text over the rounded background.
func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	return &badgeRenderer{b}
}

type badgeRenderer struct{ b *badge }

// Layout centres the text on the background.
func (r *badgeRenderer) Layout(s fyne.Size) {
	r.b.bg.Resize(s)
	ts := r.b.text.MinSize()
	r.b.text.Move(fyne.NewPos((s.Width-ts.Width)/2, (s.Height-ts.Height)/2))
	r.b.text.Resize(ts)
}

// MinSize pads the text.
func (r *badgeRenderer) MinSize() fyne.Size {
	ts := r.b.text.MinSize()
	return fyne.NewSize(ts.Width+10, ts.Height+2)
}

// Refresh recolours the badge.
func (r *badgeRenderer) Refresh() { r.b.Refresh() }

// Objects are the background and the text.
func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.bg, r.b.text} }

// Destroy has nothing to release.
func (r *badgeRenderer) Destroy() {}

// themeColor looks a colour up in the theme in force.
func themeColor(n fyne.ThemeColorName) color.Color {
	a := fyne.CurrentApp()
	return a.Settings().Theme().Color(n, a.Settings().ThemeVariant())
}
