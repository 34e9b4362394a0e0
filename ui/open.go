package ui

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"ptth-inspector/session/store"
	"ptth-inspector/ui/load"
)

// loadProgress is what the loader goroutine reports to the UI.
type loadProgress struct {
	done, total atomic.Int64
	started     time.Time
	path        string // the file being read (set while opening)
	lastReload  time.Time
	reloadCost  time.Duration // how long the last re-read took on the UI goroutine
	behind      bool          // the store changed since the last re-read
}

func (p *loadProgress) report(done, total int64) {
	p.done.Store(done)
	p.total.Store(total)
}

func (p *loadProgress) fraction() float64 {
	t := p.total.Load()
	if t <= 0 {
		return 0
	}
	return float64(p.done.Load()) / float64(t)
}

// reloadDue says whether a full re-read of a loading store may run now: at
// most once a second, and never more than a fifth of the time, since each
// re-read grows with the store and holds the UI goroutine and the store.
func (p *loadProgress) reloadDue() bool {
	return time.Since(p.lastReload) >= max(time.Second, 4*p.reloadCost)
}

// reloaded notes that a re-read just ended, having taken cost.
func (p *loadProgress) reloaded(cost time.Duration) {
	p.lastReload, p.reloadCost = time.Now(), cost
}

func (in *inspector) showOpen() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		in.openChosen(path)
	}, in.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ptthcap", ".json", ".har", ".transcript", ".txt"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// openChosen opens a file the user chose. While the relay runs it first
// asks: opening a file stops the relay and cuts its connections.
func (in *inspector) openChosen(path string) {
	if in.be == nil || in.be.Relay() == nil {
		in.openFile(path)
		return
	}
	r := in.be.Relay()
	listen, _ := in.be.Addresses()
	msg := fmt.Sprintf("Opening %s stops the relay on %s", baseName(path), listen)
	if n := r.Open(); n > 0 {
		msg += " and cuts its " + plural(n, "open client connection")
	}
	msg += "."
	if p := in.be.CapturePath(); p != "" {
		msg += "\nWhat it recorded stays in " + p + "."
	}
	d := dialog.NewConfirm("Stop the relay and open a file?", msg, func(ok bool) {
		if ok {
			in.openFile(path)
		}
	}, in.win)
	d.SetConfirmText("Stop relay and open")
	d.SetDismissText("Cancel")
	d.Show()
}

// loading reports whether a file is being read (see openFile).
func (in *inspector) loading() bool { return in.load != nil || in.opening != nil }

// busyLoading says in the banner that a file is being read and returns
// true if one is: nothing else may replace the view meanwhile.
func (in *inspector) busyLoading(then string) bool {
	name := in.file
	if in.opening != nil {
		name = in.opening.path
	}
	if in.loading() {
		in.banner.show("Still loading "+baseName(name)+"; "+then+" when it is done.", "", nil)
	}
	return in.loading()
}

// openFile reads path in the background while the window goes on showing
// what it shows. Only once the file proves readable does it stop the live
// capture and replace the view; a capture then streams in with a progress
// bar. A file that cannot be read changes nothing: the banner says why.
func (in *inspector) openFile(path string) {
	if in.busyLoading("open another file") {
		return
	}
	op := &loadProgress{started: time.Now(), path: path}
	in.opening = op
	in.status.note.SetText("Reading " + baseName(path) + "…")
	in.updateStatus()
	go func() {
		o, err := load.Open(path, op.report)
		in.do(func() { in.opened(path, op, o, err) })
	}()
}

// opened replaces the view with a file that proved readable, or says why
// it did not. It runs on the UI goroutine.
func (in *inspector) opened(path string, op *loadProgress, o *load.Opened, err error) {
	select {
	case <-in.quit: // the window closed while the file was read
		if o != nil {
			o.Close()
		}
		return
	default:
	}
	in.opening = nil
	in.status.note.SetText("")
	if err != nil {
		slog.Warn("cannot open file", "path", path, "err", err)
		in.banner.show(fmt.Sprintf("Cannot open %s: %v", baseName(path), err), "Open another…", in.showOpen)
		in.updateStatus()
		return
	}
	if in.be != nil {
		old := in.be
		in.be = nil
		go old.Close()
	}
	if in.closer != nil {
		in.closer.Close()
		in.closer = nil
	}
	st := store.New(nil)
	in.file = path
	in.follow = false // a file does not grow: show it from its start
	in.load = &loadProgress{started: op.started}
	in.banner.hide()
	in.attach(st, nil)
	lp := in.load
	go func() {
		closer, warnings, err := o.Fill(st, lp.report)
		in.do(func() { in.loaded(path, closer, warnings, err) })
	}()
}

// loaded finishes a load on the UI goroutine.
func (in *inspector) loaded(path string, closer io.Closer, warnings []string, err error) {
	if err != nil {
		slog.Warn("file read in part", "path", path, "exchanges", in.st.Stats().Exchanges, "err", err)
	} else {
		slog.Info("capture loaded", "path", path, "exchanges", in.st.Stats().Exchanges, "took", time.Since(in.load.started).Round(time.Millisecond))
	}
	in.load = nil
	in.closer = closer
	in.model.Reload()
	in.refreshAll()
	switch {
	case err != nil:
		in.banner.show(fmt.Sprintf("%s could not be read to its end; showing what came before: %v", baseName(path), err), "Open another…", in.showOpen)
	case len(warnings) > 0:
		in.banner.show(fmt.Sprintf("%s is damaged (%s); showing what could be read. First: %s",
			baseName(path), plural(len(warnings), "problem"), warnings[0]), "", nil)
	}
}

func (in *inspector) showSave() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(fmt.Errorf("save capture: %w", err), in.win)
			return
		}
		if w == nil {
			return // cancelled
		}
		path := w.URI().Path()
		w.Close()
		os.Chmod(path, 0o600) // the dialog created it; as the capture itself
		in.saveTo(path)
	}, in.win)
	d.SetFileName("capture.ptthcap")
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// saveTo copies the capture (live or opened) to path in the background.
func (in *inspector) saveTo(path string) {
	be, file := in.be, in.file
	go func() {
		var err error
		switch {
		case be != nil:
			err = be.SaveAs(path)
		case file != "":
			err = copyFile(file, path)
		default:
			err = errors.New("nothing is being captured")
		}
		in.do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("save capture: %w", err), in.win)
				return
			}
			in.status.note.SetText("Saved " + filepath.Base(path))
		})
	}()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
