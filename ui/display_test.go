package ui

import (
	"runtime"
	"strings"
	"testing"
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
