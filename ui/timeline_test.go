package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

func TestClearSaysWhatItDid(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.in.status.note.SetText("Saved old.ptthcap")
	h.in.clear()
	if got := h.in.status.note.Text; got != "Cleared 2 exchanges from view" {
		t.Fatalf("status note after Clear: %q", got)
	}
	if got := h.rowTexts(); len(got) != 0 {
		t.Fatalf("rows after Clear: %q", got)
	}
}

// TestKeyboardLeavesTheFilterForTheRows: after typing a filter, ↓ walks the
// rows, Esc hands the keyboard to the timeline, and a tapped row keeps it.
func TestKeyboardLeavesTheFilterForTheRows(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	c := h.w.Canvas()
	typeKey := func(k fyne.KeyName) { c.Focused().TypedKey(&fyne.KeyEvent{Name: k}) }
	c.(fyne.Shortcutable).TypedShortcut(shortcutFor(fyne.KeyF))
	test.Type(h.in.filterBar.entry, "/")
	typeKey(fyne.KeyDown)
	if c.Focused() != h.in.timeline.list || h.in.detail.ex == nil || h.in.detail.ex.Request.Method != "POST" {
		t.Fatalf("↓ from the filter: focus %v, selected %+v", c.Focused(), h.in.detail.ex)
	}
	typeKey(fyne.KeyDown) // skips the divider
	if h.in.detail.ex.Request.Method != "GET" {
		t.Fatalf("second ↓ selected %s", h.in.detail.ex.Request.Method)
	}
	if h.in.filterBar.entry.Text != "/" {
		t.Fatalf("the filter changed to %q", h.in.filterBar.entry.Text)
	}
	c.Focus(h.in.filterBar.entry)
	typeKey(fyne.KeyEscape)
	if c.Focused() != h.in.timeline.list {
		t.Fatalf("Esc left focus on %v", c.Focused())
	}
	c.Focus(h.in.filterBar.entry)
	h.tapRow("→ ptth POST")
	if c.Focused() != h.in.timeline.list {
		t.Fatalf("a tapped row left focus on %v", c.Focused())
	}
	typeKey(fyne.KeyDown)
	if h.in.detail.ex.Request.Method != "GET" {
		t.Fatalf("↓ after tapping the POST selected %s", h.in.detail.ex.Request.Method)
	}
}

// TestNarrowTimelineKeepsTheTargetReadable: below 260 px of target, the
// waterfall gives up to 100 px.
func TestNarrowTimelineKeepsTheTargetReadable(t *testing.T) {
	objs := make([]fyne.CanvasObject, len(timelineColumns.widths))
	for i := range objs {
		objs[i] = widget.NewLabel("")
	}
	fixed := float32(0)
	for i, w := range timelineColumns.widths {
		if i != colTarget {
			fixed += w
		}
	}
	for _, tc := range []struct{ width, target, waterfall float32 }{
		{fixed + 400, 400, 140}, // room enough: nothing moves
		{fixed + 200, 260, 80},  // the waterfall gives 60
		{fixed + 100, 200, 40},  // it gives all it may
		{fixed - 200, 160, 40},  // narrower: the target keeps 160 px, the last columns are cut
	} {
		timelineColumns.Layout(objs, fyne.NewSize(tc.width, 30))
		if got := objs[colTarget].Size().Width; got != tc.target {
			t.Errorf("width %v: target %v, want %v", tc.width, got, tc.target)
		}
		if got := objs[colWaterfall].Size().Width; got != tc.waterfall {
			t.Errorf("width %v: waterfall %v, want %v", tc.width, got, tc.waterfall)
		}
	}
}

func TestStatusCellSaysDroppedNotFailed(t *testing.T) {
	for errText, want := range map[string]string{
		"dropped at a breakpoint": "dropped",
		"replaced by a later poll's event with message-id 1 before any reply": "replaced",
		"connection closed before the response":                               "failed",
		"":                                                                    "pending…",
	} {
		if got, _ := statusOf(&session.Exchange{Error: errText}); got != want {
			t.Errorf("error %q: status %q, want %q", errText, got, want)
		}
	}
}
