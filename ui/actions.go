package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	fynetheme "fyne.io/fyne/v2/theme"

	"ptth-inspector/proxy/engine"
	ptheme "ptth-inspector/theme"
)

// startLive starts a live capture with o. When the relay cannot start (the
// port is in use, no upstream) the window still gets a capture, says why in
// the banner and offers the relay settings.
func (in *inspector) startLive(o engine.Options) {
	if in.busyLoading("start the relay") {
		return
	}
	in.liveOpts = o
	eng, err := engine.Start(o)
	if err != nil {
		in.banner.show(fmt.Sprintf("The relay did not start: %v. Change the address and start it again.", err),
			"Relay settings…", in.showSettings)
		quiet := o
		quiet.Listen, quiet.Demo, quiet.Server = "", false, false
		var err2 error
		if eng, err2 = engine.Start(quiet); err2 != nil {
			dialog.ShowError(fmt.Errorf("cannot record at all: %w", err2), in.win)
			return
		}
	} else {
		in.banner.hide()
	}
	in.file = ""
	in.follow = true      // live traffic: keep the newest in view
	if in.closer != nil { // the file viewed before
		in.closer.Close()
		in.closer = nil
	}
	in.attach(eng.Store, engineBackend{eng})
	in.reapplyIntercept()
}

// toggleRelay stops a running relay or starts a stopped one.
func (in *inspector) toggleRelay() {
	switch {
	case in.loading():
		return
	case in.be == nil:
		in.startLive(in.liveOpts)
		return
	case in.be.Relay() != nil:
		if err := in.be.StopRelay(); err != nil {
			in.banner.show("Stopping the relay: "+err.Error(), "", nil)
		}
	default:
		if listen, _ := in.be.Addresses(); listen == "" {
			in.showSettings()
			return
		}
		if err := in.be.StartRelay(); err != nil {
			in.banner.show(fmt.Sprintf("The relay did not start: %v", err), "Relay settings…", in.showSettings)
		} else {
			in.banner.hide()
		}
	}
	in.toolbar.refresh()
	in.updateStatus()
	in.reapplyIntercept()
}

// reapplyIntercept puts the Intercept window's rule on a new relay: every
// restart builds a relay without one.
func (in *inspector) reapplyIntercept() {
	if in.intercept != nil {
		in.intercept.reapply()
	}
}

// clear forgets what the window shows (the capture file keeps it).
func (in *inspector) clear() {
	n := in.st.Stats().Exchanges
	in.st.Clear(in.be != nil) // a file's unended sessions are not live
	in.clearedAt = time.Now()
	in.selRow = -1
	in.detail.show(nil)
	in.tick()
	note := "Cleared " + plural(n, "exchange") + " from view"
	if in.file != "" || (in.be != nil && in.be.CapturePath() != "") {
		note += "; the file keeps them"
	}
	in.status.note.SetText(note)
}

// toggleTheme switches between light and dark.
func (in *inspector) toggleTheme() {
	mode := ptheme.Dark
	if in.th.Variant(in.app.Settings().ThemeVariant()) == fynetheme.VariantDark {
		mode = ptheme.Light
	}
	in.setThemeMode(mode)
}

// setThemeMode applies and remembers a theme mode.
func (in *inspector) setThemeMode(mode ptheme.Mode) {
	in.th = ptheme.New(mode)
	in.app.Settings().SetTheme(in.th)
	in.app.Preferences().SetInt(prefTheme, int(mode))
	in.refreshAll()
}

const prefTheme = "theme"

// jumpTo selects the exchange with the given id, switching to its session.
func (in *inspector) jumpTo(id string) {
	row := in.model.RowOf(id)
	if row < 0 {
		msg := in.exchangeName(id, true) + " is not in the timeline now."
		if in.st.Exchange(id) == nil {
			msg = "Exchange " + shortID(id) + " is not in this capture."
		}
		in.banner.show(msg, "", nil)
		return
	}
	in.follow = false
	in.model.Select(in.model.SessionIndexOf(row))
	in.selectExchange(row)
	in.refreshAll()
	if i := in.model.IndexOf(row); i >= 0 {
		in.timeline.list.ScrollTo(i)
	} else {
		in.banner.show("The filter hides "+in.exchangeName(id, true)+"; clear it to see the exchange in the timeline.", "", nil)
	}
}

// shortcutFor returns Ctrl (Cmd on macOS) + key.
func shortcutFor(key fyne.KeyName) *desktopShortcut {
	return &desktopShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}
