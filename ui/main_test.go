package ui

import (
	"os"
	"testing"

	_ "ptth-inspector/ui/clocale" // quiet under LANG=C.UTF-8, as the binary is
)

// TestMain points the user's cache directory at a temporary one: a window
// started without --out records there (see engine.AutoCaptureDir), and a
// test run must neither fill nor prune the real one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ptth-ui-test-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	os.Setenv("HOME", dir) // where os.UserCacheDir looks on macOS
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
