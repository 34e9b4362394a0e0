package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
)

// renderedLabels returns the text of every label drawn inside o.
func renderedLabels(o fyne.CanvasObject) []string {
	var out []string
	walk(o, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

func TestTimingFollowsTheSelectedExchange(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.in.detail.selectTab("Timing")
	for _, tc := range []struct {
		row string
		i   int32
	}{{"→ ptth POST", 0}, {"← ptth GET", 1}, {"→ ptth POST", 0}} {
		h.tapRow(tc.row)
		h.waitFor("the detail to show "+tc.row, func() bool { return h.in.detail.ex != nil })
		e := h.in.model.Row(tc.i)
		want := stamp(e.Request.First)
		shown := renderedLabels(h.in.detail.timing.box)
		if h.in.detail.timing.field("Request started") != want || !slices.Contains(shown, want) {
			t.Fatalf("after tapping %q, Timing shows %q, want Request started %s", tc.row, shown, want)
		}
	}
}
