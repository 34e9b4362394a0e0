package ui

import (
	"fmt"
	"net"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/engine"
)

// showSettings asks for the relay's listen and upstream addresses and
// restarts the live capture with them.
func (in *inspector) showSettings() {
	o := in.liveOpts
	if in.be != nil {
		if l, u := in.be.Addresses(); l != "" {
			o.Listen, o.Upstream = l, u
		}
	}
	if o.Demo || o.Server {
		o.Upstream = "" // the demo or mock server gets a fresh port
	}
	listen := widget.NewEntry()
	listen.SetText(o.Listen)
	listen.Validator = validAddr
	upstream := widget.NewEntry()
	upstream.SetText(o.Upstream)
	upstream.SetPlaceHolder("host:port (empty with demo peers)")
	demo := widget.NewCheck("Run the built-in demo peers", nil)
	demo.SetChecked(o.Demo)
	items := []*widget.FormItem{
		widget.NewFormItem("Listen on", listen),
		widget.NewFormItem("Upstream", upstream),
		widget.NewFormItem("", demo),
	}
	items[0].HintText = "e.g. 127.0.0.1:8080, or 127.0.0.1:0 for any free port"
	d := dialog.NewForm("Relay settings", "Start relay", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		next := in.liveOpts
		if r, ok := in.be.(retargeter); ok && !demo.Checked && !next.Demo && !next.Server && upstream.Text != "" {
			// Same capture, new addresses: what was captured stays in view.
			if err := r.Retarget(listen.Text, upstream.Text); err != nil {
				in.banner.show("Relay not restarted: "+err.Error(), "Relay settings…", in.showSettings)
			} else {
				in.banner.hide()
			}
			in.liveOpts.Listen, in.liveOpts.Upstream = listen.Text, upstream.Text
			in.refreshAll()
			in.reapplyIntercept()
			return
		}
		next.Listen, next.Upstream, next.Demo, next.Out = listen.Text, upstream.Text, demo.Checked, ""
		in.restartLive(next)
	}, in.win)
	d.Show()
}

// retargeter is a backend that can move its relay without a new capture.
type retargeter interface {
	Retarget(listen, upstream string) error
}

// restartLive closes the live capture (its file stays on disk) and starts
// a new one with o.
func (in *inspector) restartLive(o engine.Options) {
	if in.be != nil {
		old := in.be
		in.be = nil
		old.Close()
	}
	in.startLive(o)
}

func validAddr(s string) error {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return fmt.Errorf("want host:port")
	}
	return nil
}
