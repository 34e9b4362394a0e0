//go:build unix

package cli

import "syscall"

// canLimitFileSize says limitFileSize works here.
const canLimitFileSize = true

// limitFileSize makes writes past n bytes of any file fail, as on a full
// disk (Go ignores the SIGXFSZ that comes with them).
func limitFileSize(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
