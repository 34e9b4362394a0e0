//go:build !unix

package cli

import "errors"

// canLimitFileSize says limitFileSize works here.
const canLimitFileSize = false

// limitFileSize is not available here.
func limitFileSize(uint64) error { return errors.New("no file size limit on this system") }
