package ui

import (
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestCheckDisplay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11 sockets are a Linux matter here")
	}
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", "")
	if err := CheckDisplay(); err == nil || !strings.Contains(err.Error(), "DISPLAY is not set") {
		t.Errorf("no DISPLAY: %v", err)
	}
	t.Setenv("DISPLAY", ":4321")
	if xListens("4321") {
		t.Skip("an X server runs on :4321")
	}
	if err := CheckDisplay(); err == nil || !strings.Contains(err.Error(), "no X server on DISPLAY=:4321") {
		t.Errorf("DISPLAY without a server: %v", err)
	}
	t.Setenv("DISPLAY", "remotehost:0") // not checked: may be reachable
	if err := CheckDisplay(); err != nil {
		t.Errorf("remote DISPLAY: %v", err)
	}
	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	t.Setenv("DISPLAY", "")
	if err := CheckDisplay(); err != nil {
		t.Errorf("Wayland: %v", err)
	}
}

// failingApp is an app whose driver cannot make windows (GLFW panics when
// the display fails after CheckDisplay passed).
type failingApp struct{ fyne.App }

func (failingApp) NewWindow(string) fyne.Window {
	panic("PlatformError: X11: Failed to open display :99")
}

func TestNewWindowTurnsADisplayFailureIntoAnError(t *testing.T) {
	t.Setenv("DISPLAY", ":99")
	w, err := NewWindow(failingApp{test.NewTempApp(t)})
	if w != nil || err == nil || err.Error() != "the window could not open on DISPLAY=:99: PlatformError: X11: Failed to open display :99" {
		t.Fatalf("NewWindow = %v, %v", w, err)
	}
	if w, err := NewWindow(test.NewTempApp(t)); err != nil || w == nil {
		t.Fatalf("a working app: %v, %v", w, err)
	}
}
