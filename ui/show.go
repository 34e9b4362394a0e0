// Package ui is the Fyne window: sessions, the timeline with its role flip,
// exchange detail, and the editor.
package ui

import (
	"log/slog"
	"net"

	"fyne.io/fyne/v2"

	"ptth-inspector/assets"
	"ptth-inspector/proxy/cli"
	"ptth-inspector/proxy/engine"
	ptheme "ptth-inspector/theme"
)

// Show builds the inspector into w for the given command-line options and
// starts relaying (or loading opts.Capture). Problems such as a busy port
// are shown in the window, which keeps running; Show itself does not fail.
func Show(a fyne.App, w fyne.Window, opts cli.WindowOptions) error {
	th := ptheme.New(ptheme.Mode(a.Preferences().IntWithFallback(prefTheme, int(ptheme.FollowSystem))))
	a.Settings().SetTheme(th)
	icon := fyne.NewStaticResource("icon.png", assets.IconPNG)
	a.SetIcon(icon)
	w.SetIcon(icon)
	in := build(a, w, opts, th)
	if opts.Capture != "" {
		in.liveOpts = liveOptions(opts)
		in.openFile(opts.Capture)
	} else {
		in.startLive(liveOptions(opts))
	}
	go in.pump()
	return nil
}

// build makes the window's widgets, menu and shortcuts without starting
// anything.
func build(a fyne.App, w fyne.Window, opts cli.WindowOptions, th *ptheme.Theme) *inspector {
	in := newInspector(a, w, opts, th)
	w.SetContent(in.layout())
	w.SetMainMenu(in.mainMenu())
	in.installShortcuts()
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) {
		if len(uris) > 0 {
			in.openChosen(uris[0].Path())
		}
	})
	w.SetOnClosed(in.close)
	w.Resize(fyne.NewSize(1280, 800))
	in.refreshAll()
	return in
}

// liveOptions turns the window flags into engine options. A demo on the
// default address takes any free loopback port when that one is busy, so
// `make run` shows traffic on any machine; an address given on purpose is
// kept, and a busy one is reported in the window.
func liveOptions(o cli.WindowOptions) engine.Options {
	eo := engine.Options{Listen: o.Listen, Upstream: o.Upstream, Demo: o.Demo, DemoLoad: o.DemoLoad, Server: o.Server}
	if o.Demo && o.Listen == cli.DefaultListen && !portFree(o.Listen) {
		slog.Warn("default port busy: the demo relay listens on a free port instead", "busy", o.Listen)
		eo.Listen = "127.0.0.1:0"
	}
	return eo
}

// portFree reports whether addr can be listened on right now.
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
}
