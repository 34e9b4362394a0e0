package ui

import (
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ptth-inspector/proxy"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the window's screenshots to docs/screenshots")

// screenshot is one picture for the README: a theme and what to show.
type screenshot struct {
	name   string
	mode   ptheme.Mode
	filter string
	row    string // tap the first row containing this
	tab    string
	flip   bool // show the flipped session from its start, divider and all
	edit   bool // first edit a reversed GET /status at a breakpoint into row
}

var screenshots = []screenshot{
	{name: "main-light", mode: ptheme.Light, row: "← ptth GET", tab: "Response", flip: true},
	{name: "main-dark", mode: ptheme.Dark, row: "← ptth GET", tab: "Response", flip: true},
	{name: "plist-light", mode: ptheme.Light, row: "/event", tab: "Request"},
	{name: "comet-dark", mode: ptheme.Dark, filter: "transport:comet", row: "comet", tab: "Response"},
	{name: "raw-light", mode: ptheme.Light, filter: "dir:reverse", row: "/status", tab: "Raw"},
	{name: "edited-light", mode: ptheme.Light, row: "/status?edited=by-hand", tab: "Request", edit: true},
}

// TestScreenshots renders the main window over live demo traffic in light
// and dark; with -update-screenshots it writes docs/screenshots/*.png.
func TestScreenshots(t *testing.T) {
	for _, s := range screenshots {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, s.mode)
			eng, err := engine.Start(engine.Options{Listen: "127.0.0.1:0", Demo: true,
				DemoInterval: 20 * time.Millisecond, Out: filepath.Join(t.TempDir(), "demo.ptthcap")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { eng.Close() })
			h.in.liveOpts.Demo = true
			h.in.attach(eng.Store, engineBackend{eng})
			h.waitFor("demo traffic", func() bool {
				return h.in.model.Exchanges() >= 60 && len(h.in.model.Sessions()) >= 2
			})
			if s.edit {
				editOneAtABreakpoint(h, eng.Relay(), s.row)
			}
			h.in.toolbar.follow.SetChecked(false) // hold the rows still while the demo goes on
			h.in.filterBar.entry.SetText(s.filter)
			if s.flip || s.edit {
				h.in.sessions.selectSession(flippedSession(h) + 1)
			}
			if s.flip {
				h.in.timeline.list.ScrollToTop()
			} else {
				scrollToLast(h, s.row)
			}
			h.tapRow(s.row)
			h.in.detail.selectTab(s.tab)
			h.w.Content().Refresh() // lay out labels whose text changed
			img := h.w.Canvas().Capture()
			if colours := distinctColours(img); colours < 20 {
				t.Fatalf("the window rendered %v with only %d colours", img.Bounds(), colours)
			}
			if !*updateScreenshots {
				return
			}
			path := filepath.Join("..", "docs", "screenshots", s.name+".png")
			if err := writePNG(path, img); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", path)
		})
	}
}

// editOneAtABreakpoint pauses the next reversed GET /status, forwards it
// with target and a header changed, and waits until its answer is in.
func editOneAtABreakpoint(h *harness, r *proxy.Relay, target string) {
	h.t.Helper()
	var taken atomic.Bool
	r.SetIntercept(func(e *session.Exchange) bool {
		return e.Direction == session.Reverse && e.Request.Method == "GET" && e.Request.Target == "/status" && !taken.Swap(true)
	}, time.Minute, nil)
	h.waitFor("a request to pause", func() bool { return len(r.PausedRequests()) == 1 })
	p := r.PausedRequests()[0]
	edited := strings.Replace(string(p.Raw), "GET /status ", "GET "+target+" ", 1)
	edited = strings.Replace(edited, "\r\n\r\n", "\r\nX-Edited: at a breakpoint\r\n\r\n", 1)
	if err := r.Resume(p.Exchange.ID, []byte(edited)); err != nil {
		h.t.Fatal(err)
	}
	r.SetIntercept(nil, 0, nil)
	h.waitFor("the edited exchange's answer", func() bool {
		e := h.in.st.Exchange(p.Exchange.ID)
		return e != nil && e.Original != nil && e.Response != nil
	})
}

// flippedSession returns the session list index of a flipped session.
func flippedSession(h *harness) int {
	for i, si := range h.in.sessIdx {
		if h.in.model.Sessions()[si].S.Flip != nil {
			return i
		}
	}
	h.t.Fatal("no flipped session")
	return -1
}

// scrollToLast scrolls the timeline to the last exchange whose target or
// transport contains s.
func scrollToLast(h *harness, s string) {
	h.t.Helper()
	for i := h.in.model.Len() - 1; i >= 0; i-- {
		e := h.in.model.Item(i).Exchange
		if e != nil && e.Request != nil && (strings.Contains(e.Request.Target, s) || e.Transport.String() == s) {
			h.in.timeline.list.ScrollTo(i)
			return
		}
	}
	h.t.Fatalf("no exchange matches %q", s)
}

func distinctColours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
		}
	}
	return len(seen)
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
