package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
)

// toolbar is the row at the top: what the window relays or shows, and the
// main actions.
type toolbar struct {
	in       *inspector
	mode     *badge
	address  *widget.Label
	startBtn *widget.Button
	follow   *widget.Check
	themeBtn *widget.Button
	box      *fyne.Container
}

func newToolbar(in *inspector) *toolbar {
	t := &toolbar{in: in, mode: newBadge(), address: widget.NewLabel("")}
	t.address.Truncation = fyne.TextTruncateEllipsis
	t.startBtn = widget.NewButtonWithIcon("Start", fynetheme.MediaPlayIcon(), in.toggleRelay)
	t.follow = widget.NewCheck("Follow", nil)
	t.follow.SetChecked(in.follow)
	t.follow.OnChanged = func(on bool) {
		in.follow = on
		if on {
			in.timeline.refresh()
		}
	}
	t.themeBtn = widget.NewButtonWithIcon("", fynetheme.ColorPaletteIcon(), in.toggleTheme)
	buttons := container.NewHBox(
		t.startBtn,
		widget.NewButtonWithIcon("Relay…", fynetheme.SettingsIcon(), in.showSettings),
		widget.NewButtonWithIcon("Clear", fynetheme.DeleteIcon(), in.clear),
		widget.NewSeparator(),
		widget.NewButtonWithIcon("Open…", fynetheme.FolderOpenIcon(), in.showOpen),
		widget.NewButtonWithIcon("Save…", fynetheme.DocumentSaveIcon(), in.showSave),
		widget.NewButtonWithIcon("Export…", fynetheme.UploadIcon(), in.showExport),
		widget.NewSeparator(),
		t.follow, t.themeBtn)
	t.box = container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(t.mode)), buttons, t.address)
	return t
}

func (t *toolbar) object() fyne.CanvasObject { return t.box }

// refresh shows the mode, the addresses and the relay button's state.
func (t *toolbar) refresh() {
	t.fill()
	t.box.Refresh() // the mode badge may have changed width
}

func (t *toolbar) fill() {
	in := t.in
	t.follow.SetChecked(in.follow)
	switch {
	case in.file != "":
		t.mode.set("FILE", ptheme.ColorNameComet)
		t.address.SetText(baseName(in.file))
		t.startBtn.SetText("Relay")
		t.startBtn.SetIcon(fynetheme.MediaPlayIcon())
		return
	case in.be == nil:
		t.mode.set("NO CAPTURE", ptheme.ColorNameError)
		t.address.SetText("")
		return
	}
	listen, upstream := in.be.Addresses()
	mode := "RELAY"
	switch {
	case in.liveOpts.Demo:
		mode = "DEMO"
	case in.liveOpts.Server:
		mode = "MOCK SERVER"
	}
	if in.be.Relay() != nil {
		t.mode.set(mode, ptheme.ColorNameForward)
		t.address.SetText("listening on " + listen + "  →  upstream " + upstream)
		t.startBtn.SetText("Stop")
		t.startBtn.SetIcon(fynetheme.MediaStopIcon())
	} else {
		t.mode.set(mode+" STOPPED", ptheme.ColorNamePending)
		if listen == "" {
			listen = in.liveOpts.Listen
		}
		t.address.SetText("not listening on " + orNone(listen) + "  →  upstream " + orNone(upstream))
		t.startBtn.SetText("Start")
		t.startBtn.SetIcon(fynetheme.MediaPlayIcon())
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
