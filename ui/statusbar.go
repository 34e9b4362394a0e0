package ui

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session/store"
)

// statusInfo is what the status bar reports.
type statusInfo struct {
	store.Stats
	Shown       int    // exchanges passing the filter
	Filtered    bool   // a filter is in force
	Listen      string // relay address, "" when not live
	Upstream    string
	Relaying    bool
	Open        int     // client connections being relayed
	CapturePath string  // capture being written
	File        string  // capture file being viewed
	Loading     bool    // a file is still loading
	Progress    float64 // how much of it, 0–1
}

// statusBar is the line at the bottom of the window.
type statusBar struct {
	relay    *widget.Label
	counts   *widget.Label
	note     *widget.Label // what the last export or save wrote
	capture  *widget.Label
	progress *widget.ProgressBar
	bar      *fyne.Container // holds the progress bar; hidden when not loading
	box      *fyne.Container
}

func newStatusBar() *statusBar {
	s := &statusBar{relay: widget.NewLabel(""), counts: widget.NewLabel(""), note: widget.NewLabel(""),
		capture: widget.NewLabel(""), progress: widget.NewProgressBar()}
	s.capture.Truncation = fyne.TextTruncateEllipsis
	s.bar = container.NewGridWrap(fyne.NewSize(180, s.progress.MinSize().Height), s.progress)
	s.bar.Hide()
	s.box = container.NewBorder(nil, nil, container.NewHBox(s.relay, s.counts, s.note, container.NewCenter(s.bar)), nil, s.capture)
	return s
}

func (s *statusBar) object() fyne.CanvasObject { return s.box }

// set shows info.
func (s *statusBar) set(info statusInfo) {
	switch {
	case info.File != "":
		s.relay.SetText("Viewing a file")
	case info.Relaying:
		s.relay.SetText(fmt.Sprintf("Listening on %s · %d open", info.Listen, info.Open))
	default:
		s.relay.SetText("Relay stopped")
	}
	counts := fmt.Sprintf("%s · %s · %s", plural(info.Exchanges, "exchange"), plural(info.Sessions, "session"), byteSize(info.Bytes))
	if info.Filtered {
		counts = fmt.Sprintf("%s of %s shown · %s", thousands(info.Shown), plural(info.Exchanges, "exchange"), plural(info.Sessions, "session"))
	}
	s.counts.SetText(counts)
	path := info.File
	if path == "" {
		path = info.CapturePath
	}
	if path != "" {
		s.capture.SetText("Capture: " + path)
	} else {
		s.capture.SetText("")
	}
	if info.Loading {
		s.progress.SetValue(info.Progress)
		s.bar.Show()
	} else if s.bar.Visible() {
		s.bar.Hide()
	}
}

// thousands writes n with comma separators: 1,234,567.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// byteSize writes n bytes as B, KB, MB or GB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// baseName returns a path's last element for titles.
func baseName(p string) string { return filepath.Base(p) }
