package engine

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// KeepAutoCaptures is how many unnamed captures (a window started without
// --out) are kept in AutoCaptureDir: starting a new one removes the oldest
// beyond this, so they do not pile up. Save… copies one to keep it.
const KeepAutoCaptures = 10

// autoPrefix starts the name of every unnamed capture; the rest is its
// start time, so names sort by age.
const autoPrefix = "ptth-inspector-"

// AutoCaptureDir is where unnamed captures go: ptth-inspector in the user's
// cache directory (~/.cache/ptth-inspector), created 0700, or the temp
// directory when there is none.
func AutoCaptureDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		d = filepath.Join(d, "ptth-inspector")
		if os.MkdirAll(d, 0o700) == nil {
			return d
		}
	}
	return os.TempDir()
}

// newAutoCapture names a new unnamed capture in dir, after removing the
// oldest unnamed captures there so that at most keep remain with it.
func newAutoCapture(dir string, keep int, now time.Time) string {
	old, _ := filepath.Glob(filepath.Join(dir, autoPrefix+"*.ptthcap"))
	slices.Sort(old)
	for len(old) >= keep {
		if err := os.Remove(old[0]); err != nil {
			slog.Warn("cannot remove an old unnamed capture", "path", old[0], "err", err)
		} else {
			slog.Info("removed an old unnamed capture", "path", old[0], "keep", keep)
		}
		old = old[1:]
	}
	return filepath.Join(dir, fmt.Sprintf("%s%s.ptthcap", autoPrefix, now.Format("20060102-150405.000")))
}
