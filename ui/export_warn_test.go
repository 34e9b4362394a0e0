package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session/capture/synth"
	"ptth-inspector/session/export"
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
