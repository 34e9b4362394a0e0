package capture

import "syscall"

// directFlag opens a file for writes that bypass the page cache.
const directFlag = syscall.O_DIRECT
