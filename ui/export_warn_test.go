package ui

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/session/capture/synth"
	"ptth-inspector/session/export"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

// overlayText joins the text of every label in the window's top overlay.
func overlayText(w fyne.Window) string {
	var b strings.Builder
	if top := w.Canvas().Overlays().Top(); top != nil {
		walk(top, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		})
	}
	return b.String()
}

func TestExportOfADamagedCaptureWritesTheRestAndSaysWhatIsMissing(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	dir := t.TempDir()
	path := filepath.Join(dir, "damaged.ptthcap")
	if err := synth.SpooledBody(path, true); err != nil {
		t.Fatal(err)
	}
	h.in.openFile(path)
	h.waitFor("the capture to load", func() bool { return !h.in.loading() })
	if got := h.in.banner.message(); !strings.HasPrefix(got, "damaged.ptthcap is damaged (1 problem); showing what could be read. First: corrupt data at offset") {
		t.Errorf("banner after opening = %q", got)
	}
	out := filepath.Join(dir, "damaged.json")
	h.in.exportTo(out, exportChoice{format: export.JSON})
	h.waitFor("the export's warnings", func() bool { return strings.Contains(overlayText(h.in.win), "Wrote damaged.json, with 2 warnings") })
	if got := h.in.status.note.Text; got != "Exported damaged.json" {
		t.Errorf("status bar after the export says %q", got)
	}
	text := overlayText(h.in.win)
	if !strings.Contains(text, "exchange x1: response bytes unreadable") || !strings.Contains(text, "CRC") || !strings.Contains(text, "raw bytes: corrupt data") {
		t.Fatalf("the export dialog says %q", text)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Exchanges []struct{ ID, Error string } }
	if err := json.Unmarshal(b, &doc); err != nil || len(doc.Exchanges) != 2 ||
		!strings.Contains(doc.Exchanges[0].Error, "unreadable") || doc.Exchanges[1].Error != "" {
		t.Fatalf("export %s: %+v %v", b, doc, err)
	}
}

// failingSink is a capture file on a full disk.
type failingSink struct{}

func (failingSink) Session(*session.Session) error { return errors.New("no space left on device") }
func (failingSink) Chunk(string, session.Side, time.Time, []byte) error {
	return errors.New("no space left on device")
}
func (failingSink) Exchange(*session.Exchange) error { return errors.New("no space left on device") }

// fullDisk is a live capture whose file can no longer be written.
type fullDisk struct{ *relayBackend }

func (fullDisk) Flush() error { return errors.New("write capture: no space left on device") }

func TestCaptureFailureIsToldAndExportStillWorks(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := loadTranscript(t, "seed-upgrade.transcript")
	be := &relayBackend{st: store.New(failingSink{}), upstream: tinyUpstream(t, steps)}
	if err := be.StartRelay(); err != nil {
		t.Fatal(err)
	}
	h.in.attach(be.st, fullDisk{be})
	runClient(t, be.listen, steps)
	h.waitFor("the exchanges", func() bool { return h.in.model.Exchanges() == 2 && !h.in.model.Row(1).Pending() })
	if msg := h.in.banner.message(); !strings.HasPrefix(msg, "The capture file is no longer written: ") || !strings.Contains(msg, "no space left") {
		t.Fatalf("banner %q", msg)
	}
	out := filepath.Join(t.TempDir(), "rescued.json")
	warnings, err := writeExport(out, exportChoice{format: export.JSON}, nil, h.in.be, h.in.file, h.in.st)
	if err != nil || len(warnings) == 0 || !strings.Contains(warnings[0], "the capture file stopped being written") {
		t.Fatalf("export: %v, warnings %q", err, warnings)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), `"body":"rdlrow ,olleH\r\n"`) {
		t.Fatalf("the export lacks the reversed exchange:\n%s", b)
	}
}
