package ui

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// NewWindow makes the main window. A display that passed CheckDisplay can
// still fail (an X server still starting, or one that refuses us): GLFW
// then panics, which becomes an error naming the display instead of a
// stack trace.
func NewWindow(a fyne.App) (w fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			w, err = nil, fmt.Errorf("the window could not open on DISPLAY=%s: %v", os.Getenv("DISPLAY"), r)
		}
	}()
	return a.NewWindow("PTTH Inspector"), nil
}

// CheckDisplay reports, before any window is made, that there is no
// display to open one on (GLFW would panic): on Linux and the BSDs, when
// neither WAYLAND_DISPLAY nor DISPLAY is set, or DISPLAY names a local X
// server whose socket does not exist.
func CheckDisplay() error {
	switch runtime.GOOS {
	case "darwin", "windows", "android", "ios":
		return nil
	}
	if os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	d := os.Getenv("DISPLAY")
	if d == "" {
		return errors.New("no display: DISPLAY is not set (record and export run without one)")
	}
	if n, ok := localDisplay(d); ok && !xListens(n) {
		return fmt.Errorf("no X server on DISPLAY=%s (record and export run without one)", d)
	}
	return nil
}

// xListens reports whether a local X server accepts connections on display
// n, on its abstract or its file socket (a file left by a server that died
// refuses them).
func xListens(n string) bool {
	for _, addr := range []string{"@/tmp/.X11-unix/X" + n, "/tmp/.X11-unix/X" + n} {
		if c, err := net.DialTimeout("unix", addr, time.Second); err == nil {
			c.Close()
			return true
		}
	}
	return false
}

// localDisplay returns N for a DISPLAY of the form ":N" or ":N.S".
func localDisplay(d string) (string, bool) {
	if !strings.HasPrefix(d, ":") {
		return "", false
	}
	n, _, _ := strings.Cut(d[1:], ".")
	if n == "" || strings.Trim(n, "0123456789") != "" {
		return "", false
	}
	return n, true
}
