package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/filter"
)

type desktopShortcut = desktop.CustomShortcut

// keyBinding is one keyboard shortcut and what it does.
type keyBinding struct {
	key    fyne.KeyName
	keys   string // as the Help menu writes it
	what   string
	action func()
}

// bindings lists the window's shortcuts, in the order Help shows them.
func (in *inspector) bindings() []keyBinding {
	return []keyBinding{
		{fyne.KeyF, "Ctrl+F", "Filter the timeline", in.filterBar.focus},
		{fyne.KeyO, "Ctrl+O", "Open a capture", in.showOpen},
		{fyne.KeyS, "Ctrl+S", "Save the capture as…", in.showSave},
		{fyne.KeyE, "Ctrl+E", "Export…", in.showExport},
		{fyne.KeyL, "Ctrl+L", "Clear the window", in.clear},
		{fyne.KeyR, "Ctrl+R", "Edit & replay the selected exchange", in.editSelected},
		{fyne.KeyI, "Ctrl+I", "Intercept: pause requests at a breakpoint", func() { in.showIntercept() }},
	}
}

// installShortcuts registers the Ctrl shortcuts on the canvas, and ↑/↓/
// Enter for when no widget has the keyboard.
func (in *inspector) installShortcuts() {
	c := in.win.Canvas()
	for _, b := range in.bindings() {
		c.AddShortcut(shortcutFor(b.key), func(fyne.Shortcut) { b.action() })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if in.timeline.key(ev) {
			in.timeline.focus()
		}
	})
}

// mainMenu builds File, Capture, View and Help.
func (in *inspector) mainMenu() *fyne.MainMenu {
	item := func(label string, key fyne.KeyName, action func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, action)
		if key != "" {
			it.Shortcut = shortcutFor(key)
		}
		return it
	}
	file := fyne.NewMenu("File",
		item("Open capture…", fyne.KeyO, in.showOpen),
		item("Save capture as…", fyne.KeyS, in.showSave),
		item("Export…", fyne.KeyE, in.showExport))
	capture := fyne.NewMenu("Capture",
		item("Start / stop relay", "", in.toggleRelay),
		item("Relay settings…", "", in.showSettings),
		item("Intercept (breakpoints)…", fyne.KeyI, func() { in.showIntercept() }),
		fyne.NewMenuItemSeparator(),
		item("Clear", fyne.KeyL, in.clear))
	themeItem := fyne.NewMenuItem("Theme", nil)
	themeItem.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Follow the system", func() { in.setThemeMode(ptheme.FollowSystem) }),
		fyne.NewMenuItem("Light", func() { in.setThemeMode(ptheme.Light) }),
		fyne.NewMenuItem("Dark", func() { in.setThemeMode(ptheme.Dark) }))
	viewMenu := fyne.NewMenu("View",
		item("Filter…", fyne.KeyF, in.filterBar.focus),
		fyne.NewMenuItem("Follow new exchanges", func() { in.follow = !in.follow; in.refreshAll() }),
		fyne.NewMenuItem("Fold COMET carriers", func() { in.filterBar.fold.SetChecked(!in.filterBar.fold.Checked) }),
		themeItem)
	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("Keyboard shortcuts", in.showShortcuts),
		fyne.NewMenuItem("Filter language", func() { dialog.ShowInformation("Filter language", filter.Help, in.win) }))
	return fyne.NewMainMenu(file, capture, viewMenu, in.replayMenu(), help)
}

// shortcutsText lists every shortcut, one a line.
func (in *inspector) shortcutsText() string {
	text := ""
	for _, b := range in.bindings() {
		text += b.keys + "\t" + b.what + "\n"
	}
	return text + "↑ / ↓\tMove in the timeline (↓ from the filter too)\nEnter\tOpen the selected exchange's detail\nEsc\tLeave the filter for the timeline\n"
}

func (in *inspector) showShortcuts() {
	grid := container.New(layout.NewFormLayout())
	for _, line := range strings.Split(strings.TrimSpace(in.shortcutsText()), "\n") {
		keys, what, _ := strings.Cut(line, "\t")
		grid.Add(widget.NewLabelWithStyle(keys, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		grid.Add(widget.NewLabel(what))
	}
	dialog.ShowCustom("Keyboard shortcuts", "Close", grid, in.win)
}
