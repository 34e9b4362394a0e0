package engine

import (
	"crypto/rand"
	"encoding/hex"
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
// start time in UTC, so names sort by age, and a random tag.
const autoPrefix = "ptth-inspector-"

// autoBusy is how recently an unnamed capture may have been written and
// still be removed: one written since may belong to a window still running.
const autoBusy = 10 * time.Minute

// AutoCaptureDir is where unnamed captures go: ptth-inspector in the user's
// cache directory (~/.cache/ptth-inspector), created 0700; private reports
// whether it is that directory rather than the shared temp directory, used
// when there is none (where nothing is ever removed).
func AutoCaptureDir() (dir string, private bool) {
	if d, err := os.UserCacheDir(); err == nil {
		d = filepath.Join(d, "ptth-inspector")
		if os.MkdirAll(d, 0o700) == nil {
			return d, true
		}
	}
	return os.TempDir(), false
}

// newAutoCapture names a new unnamed capture in dir. When prune, it first
// removes the oldest unnamed captures there, so that at most keep remain
// with the new one; those written in the last autoBusy stay.
func newAutoCapture(dir string, keep int, prune bool, now time.Time) string {
	tag := make([]byte, 3)
	rand.Read(tag)
	name := filepath.Join(dir, fmt.Sprintf("%s%s-%s.ptthcap", autoPrefix, now.UTC().Format("20060102-150405.000"), hex.EncodeToString(tag)))
	if !prune {
		return name
	}
	old, _ := filepath.Glob(filepath.Join(dir, autoPrefix+"*.ptthcap"))
	slices.Sort(old)
	for _, p := range old[:max(len(old)-(keep-1), 0)] {
		if fi, err := os.Stat(p); err != nil || now.Sub(fi.ModTime()) < autoBusy {
			continue
		}
		if err := os.Remove(p); err != nil {
			slog.Warn("cannot remove an old unnamed capture", "path", p, "err", err)
		} else {
			slog.Info("removed an old unnamed capture", "path", p, "keep", keep)
		}
	}
	return name
}
