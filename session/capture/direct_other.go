//go:build !linux

package capture

// directFlag is 0 where O_DIRECT does not exist: captures go through the
// page cache.
const directFlag = 0
