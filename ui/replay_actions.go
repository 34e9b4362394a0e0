package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/session/diff"
)

// replayState is the window's edit-and-replay state: the exchange marked
// for a diff, the diff ignore list, and the exchange to reveal once the
// timeline has it. The zero value is ready.
type replayState struct {
	marked string
	ignore []string // nil: diff.DefaultIgnore
	reveal string

	lastEditor *editor   // the editor opened last
	lastDiff   *diffView // the diff window opened last
}

// revealWait bounds how long a sent exchange is waited for in the timeline.
const revealWait = 10 * time.Second

// selected returns the exchange selected in the timeline, or nil.
func (in *inspector) selected() *session.Exchange {
	if in.selRow < 0 {
		return nil
	}
	return in.model.Row(in.selRow)
}

// editSelected opens the editor on the selected exchange, or on a new
// request when none is selected.
func (in *inspector) editSelected() {
	in.openEditor(in.selected())
}

// newRequest opens the editor on a template.
func (in *inspector) newRequest() { in.openEditor(nil) }

// markForDiff remembers the selected exchange as side A of a diff.
func (in *inspector) markForDiff() {
	x := in.selected()
	if x == nil {
		in.banner.show("Select an exchange to mark for a diff.", "", nil)
		return
	}
	in.rp.marked = x.ID
	in.banner.show(in.exchangeName(x.ID, true)+" is marked: select another and choose “Diff with marked”.", "", nil)
}

// diffWithMarked compares the marked exchange with the selected one.
func (in *inspector) diffWithMarked() {
	x := in.selected()
	switch {
	case in.rp.marked == "":
		in.banner.show("Nothing is marked: choose “Mark for diff” on an exchange first.", "", nil)
	case x == nil:
		in.banner.show("Select the exchange to compare with "+in.exchangeName(in.rp.marked, true)+".", "", nil)
	default:
		in.openDiff(in.rp.marked, x.ID)
	}
}

// diffWithOriginal compares the selected replay with the exchange it
// replays.
func (in *inspector) diffWithOriginal() {
	x := in.selected()
	if x == nil || x.ReplayOf == "" {
		in.banner.show("Select a replayed exchange (marked ↻ in the timeline) to compare it with its original.", "", nil)
		return
	}
	in.openDiff(x.ReplayOf, x.ID)
}

// diffIgnore returns the ignore list the last diff used.
func (in *inspector) diffIgnore() []string {
	if in.rp.ignore == nil {
		return diff.DefaultOptions().Ignore
	}
	return in.rp.ignore
}

func (in *inspector) setDiffIgnore(names []string) {
	in.rp.ignore = append([]string{}, names...)
}

// revealWhenShown selects exchange id in the timeline as soon as the model
// has it (the pump adds it on a later tick), for up to revealWait.
func (in *inspector) revealWhenShown(id string) {
	in.rp.reveal = id
	deadline := time.Now().Add(revealWait)
	var try func()
	try = func() {
		select {
		case <-in.quit:
			return
		default:
		}
		if in.rp.reveal != id {
			return // a newer send took over
		}
		if in.model.RowOf(id) >= 0 {
			in.rp.reveal = ""
			in.jumpTo(id)
			return
		}
		if time.Now().Before(deadline) {
			time.AfterFunc(50*time.Millisecond, func() { in.do(try) })
		}
	}
	try()
}

// replayMenu is the window's Replay menu.
func (in *inspector) replayMenu() *fyne.Menu {
	edit := fyne.NewMenuItem("Edit & replay…", in.editSelected)
	edit.Shortcut = shortcutFor(fyne.KeyR)
	return fyne.NewMenu("Replay", edit,
		fyne.NewMenuItem("New request…", in.newRequest),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Diff with original", in.diffWithOriginal),
		fyne.NewMenuItem("Mark for diff", in.markForDiff),
		fyne.NewMenuItem("Diff with marked", in.diffWithMarked))
}

// replayButtons are the detail pane's "Edit & replay" and "Diff" buttons.
func (in *inspector) replayButtons() fyne.CanvasObject {
	edit := widget.NewButtonWithIcon("Edit & replay", fynetheme.DocumentCreateIcon(), in.editSelected)
	edit.Importance = widget.LowImportance
	var diffBtn *widget.Button
	diffBtn = widget.NewButtonWithIcon("Diff…", fynetheme.ListIcon(), func() {
		m := fyne.NewMenu("",
			fyne.NewMenuItem("Diff with original", in.diffWithOriginal),
			fyne.NewMenuItem("Mark for diff", in.markForDiff),
			fyne.NewMenuItem("Diff with marked", in.diffWithMarked))
		c := fyne.CurrentApp().Driver().CanvasForObject(diffBtn)
		if c == nil {
			return
		}
		widget.ShowPopUpMenuAtRelativePosition(m, c, fyne.NewPos(0, diffBtn.Size().Height), diffBtn)
	})
	diffBtn.Importance = widget.LowImportance
	return container.NewHBox(edit, diffBtn)
}

// replayMark prefixes the timeline's target of an exchange the inspector
// sent itself (a replay or an injected request).
func replayMark(e *session.Exchange) string {
	if e.ReplayOf != "" || e.Injected {
		return "↻ "
	}
	return ""
}
