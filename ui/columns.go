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

// MinSize is the fixed columns' width and the tallest object.
func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i < len(c.widths) {
			w += c.widths[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

// fullHeight marks objects that fill the row's height (backgrounds, bars).
type fullHeight interface{ fillsRow() }
