package ui

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session/export"
	"ptth-inspector/session/store"
)

// exportExt is the file extension each export format gets.
var exportExt = map[export.Format]string{
	export.Transcript: ".transcript", export.JSON: ".json", export.HARFormat: ".har",
	export.Curl: ".sh", export.Raw: ".http",
}

// exportChoice is what the export dialog asked for.
type exportChoice struct {
	format  export.Format
	redact  bool
	visible bool             // only the exchanges the filter and session choice show
	since   time.Time        // only what was recorded from then on (after a Clear)
	headers []string         // more header names to mask
	bodies  []*regexp.Regexp // body patterns to mask
}

func (in *inspector) showExport() {
	names := make([]string, len(export.Formats))
	for i, f := range export.Formats {
		names[i] = string(f)
	}
	format := widget.NewSelect(names, nil)
	format.SetSelected(string(export.Transcript))
	redact := widget.NewCheck("Redact secrets (Authorization, cookies, session ids)", nil)
	redact.SetChecked(true)
	moreHeaders := widget.NewEntry()
	moreHeaders.SetPlaceHolder("e.g. X-Api-Key, X-Token")
	bodyRegex := widget.NewEntry()
	bodyRegex.SetPlaceHolder(`e.g. "password":"[^"]*"`)
	bodyRegex.Validator = func(s string) error {
		if s == "" {
			return nil
		}
		_, err := regexp.Compile(s)
		return err
	}
	visible := widget.NewCheck("Only the exchanges shown in the timeline", nil)
	visible.SetChecked(!in.model.Filter().Empty() || in.model.SelectedSession() != nil)
	items := []*widget.FormItem{
		widget.NewFormItem("Format", format),
		widget.NewFormItem("", redact),
		widget.NewFormItem("Also redact headers", moreHeaders),
		widget.NewFormItem("Also redact in bodies", bodyRegex),
		widget.NewFormItem("", visible),
	}
	dialog.ShowForm("Export", "Choose file…", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		c := exportChoice{format: export.Format(format.Selected), redact: redact.Checked, visible: visible.Checked}
		c.headers, c.bodies = redactionExtras(moreHeaders.Text, bodyRegex.Text)
		if len(c.headers) > 0 || len(c.bodies) > 0 {
			c.redact = true
		}
		save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil {
				dialog.ShowError(fmt.Errorf("export: %w", err), in.win)
				return
			}
			if w == nil {
				return // cancelled
			}
			path := w.URI().Path()
			w.Close()
			os.Chmod(path, 0o600) // the dialog created it; exports may hold secrets
			in.exportTo(path, c)
		}, in.win)
		save.SetFileName("ptth-capture" + exportExt[c.format])
		save.Resize(fyne.NewSize(900, 600))
		save.Show()
	}, in.win)
}

// exportTo writes the export in the background and reports how it went.
func (in *inspector) exportTo(path string, c exportChoice) {
	var ids []string
	if c.visible {
		for i := 0; i < in.model.Len(); i++ {
			if it := in.model.Item(i); !it.Divider() {
				ids = append(ids, it.Exchange.ID)
			}
		}
		if len(ids) == 0 {
			dialog.ShowInformation("Export", "The timeline shows no exchanges: nothing to export.", in.win)
			return
		}
	} else {
		// After a Clear the capture file still holds what the window no
		// longer does: export what was recorded since (all when zero).
		c.since = in.clearedAt
	}
	be, file, st := in.be, in.file, in.st
	go func() {
		warnings, err := writeExport(path, c, ids, be, file, st)
		in.do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("export %s: %w", c.format, err), in.win)
				return
			}
			in.status.note.SetText("Exported " + filepath.Base(path))
			if len(warnings) > 0 {
				dialog.ShowInformation("Export", exportWarnings(path, warnings), in.win)
			}
		})
	}()
}

// exportWarnings says what an export that succeeded had to leave out.
func exportWarnings(path string, warnings []string) string {
	const shown = 5
	text := fmt.Sprintf("Wrote %s, with %d warnings:", filepath.Base(path), len(warnings))
	if len(warnings) == 1 {
		text = fmt.Sprintf("Wrote %s, with a warning:", filepath.Base(path))
	}
	for i, w := range warnings {
		if i == shown {
			text += fmt.Sprintf("\n… and %d more", len(warnings)-shown)
			break
		}
		text += "\n• " + w
	}
	return text
}

// writeExport writes the export to path and returns what it had to warn about.
func writeExport(path string, c exportChoice, ids []string, be backend, file string, st *store.Store) ([]string, error) {
	src, done, err := exportSource(be, file, st)
	if err != nil {
		return nil, err
	}
	defer done()
	var warnings []string
	if be != nil && st != nil && st.Err() != nil {
		warnings = append(warnings, fmt.Sprintf("the capture file stopped being written (%v): the exchanges come from the window, and raw bytes after that point are missing", st.Err()))
	}
	if cs, ok := src.(interface{ Warnings() []string }); ok {
		warnings = append(warnings, cs.Warnings()...)
	}
	o := export.Options{Filter: export.Filter{Exchanges: ids, Since: c.since}, Warn: func(m string) { warnings = append(warnings, m) }}
	if c.redact {
		o.Redactor = export.NewRedactor(export.RedactOptions{Headers: c.headers, Bodies: c.bodies})
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	err = export.Write(w, c.format, src, o)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // not a file that looks like an export and is cut short
	}
	return warnings, err
}

// redactionExtras reads the dialog's comma-separated header names and its
// body pattern (already validated).
func redactionExtras(headers, body string) ([]string, []*regexp.Regexp) {
	var names []string
	for _, h := range strings.Split(headers, ",") {
		if h = strings.TrimSpace(h); h != "" {
			names = append(names, h)
		}
	}
	var res []*regexp.Regexp
	if re, err := regexp.Compile(body); body != "" && err == nil {
		res = append(res, re)
	}
	return names, res
}

// exportSource picks what to export from: the capture file being written
// or viewed (it has the raw byte stream), else the store.
func exportSource(be backend, file string, st *store.Store) (export.Source, func(), error) {
	path := file
	if be != nil {
		if st != nil && st.Err() != nil {
			// The capture file stopped being written: the window holds
			// what came since, the file the raw bytes before.
			return export.FromStore(st, be.CapturePath()), func() {}, nil
		}
		if err := be.Flush(); err != nil {
			return nil, nil, err
		}
		path = be.CapturePath()
	}
	if path != "" {
		if cs, err := export.FromCapture(path); err == nil {
			return cs, func() { cs.Close() }, nil
		} else if be != nil {
			return nil, nil, err
		}
	}
	if st == nil {
		return nil, nil, errors.New("nothing to export")
	}
	return export.FromStore(st, ""), func() {}, nil // a JSON or HAR import: no byte stream
}
