package capture

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing [off, off+n) of f to disk
// and returns at once; false when the file system cannot.
func startWriteback(f *os.File, off, n int64) bool {
	return unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE) == nil
}

// dropWritten waits until [off, off+n) of f is on disk, then drops those
// pages from the page cache; false when the file system cannot.
func dropWritten(f *os.File, off, n int64) bool {
	const wait = unix.SYNC_FILE_RANGE_WAIT_BEFORE | unix.SYNC_FILE_RANGE_WRITE | unix.SYNC_FILE_RANGE_WAIT_AFTER
	if unix.SyncFileRange(int(f.Fd()), off, n, wait) != nil {
		return false
	}
	return unix.Fadvise(int(f.Fd()), off, n, unix.FADV_DONTNEED) == nil
}
