package ui

import "fyne.io/fyne/v2"

// columns lays objects side by side at fixed widths; the column at flex
// takes what is left. Each object keeps its own height and is centred
// vertically, so canvas.Text and labels line up.
type columns struct {
	widths []float32
	flex   int
	// When the flexible column would get less than flexMin, column shrink
	// gives it width down to shrinkMin (none when shrinkMin is 0): a narrow
	// window keeps the target readable and draws a shorter waterfall.
	flexMin, shrinkMin float32
	shrink             int
}

// Layout places the objects.
func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed := float32(0)
	for i, w := range c.widths {
		if i != c.flex {
			fixed += w
		}
	}
	flexW := max(size.Width-fixed, 40)
	shrunk := float32(0)
	if c.shrinkMin > 0 && flexW < c.flexMin {
		shrunk = min(c.flexMin-flexW, c.widths[c.shrink]-c.shrinkMin)
		flexW += shrunk
		// Narrower still, the flexible column keeps what it had when the
		// shrinking column ran out, and the columns after it run past
		// the edge, clipped.
		flexW = max(flexW, min(c.floor(), size.Width-c.before()))
	}
	x := float32(0)
	for i, o := range objs {
		if i >= len(c.widths) {
			break
		}
		w := c.widths[i]
		switch {
		case i == c.flex:
			w = flexW
		case c.shrinkMin > 0 && i == c.shrink:
			w -= shrunk
		}
		h := min(o.MinSize().Height, size.Height)
		if _, full := o.(fullHeight); full {
			h = size.Height
		}
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
		x += w
	}
}

// MinSize is the fixed columns' width and the tallest object; with
// shrinking, only the columns up to the flexible one at flexMin.
func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i < len(c.widths) {
			w += c.widths[i]
		}
		h = max(h, o.MinSize().Height)
	}
	if c.shrinkMin > 0 {
		w = c.before() + c.floor()
	}
	return fyne.NewSize(w, h)
}

// floor is the flexible column's width once the shrinking one has given
// all it may.
func (c *columns) floor() float32 { return c.flexMin - (c.widths[c.shrink] - c.shrinkMin) }

// before is the width of the columns left of the flexible one.
func (c *columns) before() float32 {
	w := float32(0)
	for _, x := range c.widths[:c.flex] {
		w += x
	}
	return w
}

// minWidth is a layout that gives its objects the whole space and asks
// for at least its own width: a pane that a split must not squeeze.
type minWidth float32

// Layout gives every object the whole size.
func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the objects' largest minimum, at least m wide.
func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(float32(m), 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// fullHeight marks objects that fill the row's height (backgrounds, bars).
type fullHeight interface{ fillsRow() }
