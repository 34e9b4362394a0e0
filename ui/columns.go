package ui

import "fyne.io/fyne/v2"

// columns lays objects side by side at fixed widths; the column at flex
// takes what is left. Each object keeps its own height and is centred
// vertically, so canvas.Text and labels line up.
type columns struct {
	widths []float32
	flex   int
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
	x := float32(0)
	for i, o := range objs {
		if i >= len(c.widths) {
			break
		}
		w := c.widths[i]
		if i == c.flex {
			w = flexW
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
