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
		in.openFile(path)
	}, in.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ptthcap", ".json", ".har", ".transcript", ".txt"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// openFile stops the live capture and loads a file in the background; the
// window stays usable and a progress bar shows how far it got.
func (in *inspector) openFile(path string) {
	if in.load != nil {
		in.banner.show("Still loading "+baseName(in.file)+"; open another file when it is done.", "", nil)
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
	in.load = &loadProgress{started: time.Now()}
	in.banner.hide()
	in.attach(st, nil)
	lp := in.load
	go func() {
		closer, warnings, err := load.File(st, path, lp.report)
		in.do(func() { in.loaded(path, closer, warnings, err) })
	}()
}

// loaded finishes a load on the UI goroutine.
func (in *inspector) loaded(path string, closer io.Closer, warnings []string, err error) {
	slog.Info("capture loaded", "path", path, "exchanges", in.st.Stats().Exchanges, "took", time.Since(in.load.started).Round(time.Millisecond))
	in.load = nil
	in.closer = closer
	in.model.Reload()
	in.refreshAll()
	switch {
	case err != nil:
		in.banner.show(fmt.Sprintf("Cannot open %s: %v", baseName(path), err), "Open another…", in.showOpen)
	case len(warnings) > 0:
		problems := fmt.Sprintf("%d problems", len(warnings))
		if len(warnings) == 1 {
			problems = "1 problem"
		}
		in.banner.show(fmt.Sprintf("%s is damaged (%s); showing what could be read. First: %s",
			baseName(path), problems, warnings[0]), "", nil)
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
