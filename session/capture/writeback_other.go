//go:build !linux

package capture

import "os"

// startWriteback is not available here.
func startWriteback(*os.File, int64, int64) bool { return false }

// dropWritten is not available here.
func dropWritten(*os.File, int64, int64) bool { return false }
