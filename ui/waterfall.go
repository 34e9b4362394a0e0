package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
)

// waterfall places one exchange in time: a bar from its first byte to its
// last, on a track that spans the whole session (or every session).
type waterfall struct {
	widget.BaseWidget
	track    *canvas.Rectangle
	bar      *canvas.Rectangle
	from, to float32 // 0–1 along the track
	pending  bool
	color    fyne.ThemeColorName
}

func newWaterfall() *waterfall {
	w := &waterfall{track: canvas.NewRectangle(color.Transparent), bar: canvas.NewRectangle(color.Transparent)}
	w.bar.CornerRadius = 2
	w.ExtendBaseWidget(w)
	return w
}

func (w *waterfall) fillsRow() {}

// set places the bar from `from` to `to` (fractions of the track); a
// pending exchange's bar runs to the end of the track, faded.
func (w *waterfall) set(from, to float32, pending bool, c fyne.ThemeColorName) {
	w.from, w.to, w.pending, w.color = clamp01(from), clamp01(to), pending, c
	w.Refresh()
}

func clamp01(f float32) float32 { return min(max(f, 0), 1) }

// Refresh recolours and re-places the bar.
func (w *waterfall) Refresh() {
	w.track.FillColor = themeColor(ptheme.ColorNameStripe)
	c := themeColor(w.color)
	if w.pending {
		c = ptheme.Tint(c, 0x60)
	}
	w.bar.FillColor = c
	w.track.Refresh()
	w.bar.Refresh()
	w.place(w.Size())
}

func (w *waterfall) place(s fyne.Size) {
	pad := float32(4)
	inner := s.Width - 2*pad
	w.track.Move(fyne.NewPos(pad, s.Height/2-1))
	w.track.Resize(fyne.NewSize(inner, 2))
	x := pad + w.from*inner
	bw := max((w.to-w.from)*inner, 3)
	if x+bw > pad+inner {
		x = pad + inner - bw
	}
	w.bar.Move(fyne.NewPos(x, s.Height/2-5))
	w.bar.Resize(fyne.NewSize(bw, 10))
}

// CreateRenderer draws the track and the bar.
func (w *waterfall) CreateRenderer() fyne.WidgetRenderer { return &waterfallRenderer{w} }

type waterfallRenderer struct{ w *waterfall }

// Layout places the track and the bar.
func (r *waterfallRenderer) Layout(s fyne.Size) { r.w.place(s) }

// MinSize is small: the column sets the width.
func (r *waterfallRenderer) MinSize() fyne.Size { return fyne.NewSize(40, 12) }

// Refresh recolours and re-places the bar.
func (r *waterfallRenderer) Refresh() { r.w.Refresh() }

// Destroy has nothing to release.
func (r *waterfallRenderer) Destroy() {}

// Objects are the track and the bar.
func (r *waterfallRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.w.track, r.w.bar}
}
