package capture

import (
	"bufio"
	"os"
)

// recordSink is where a Writer's encoded records go on their way to the
// file. The Writer calls it with w.mu held.
type recordSink interface {
	// Write appends p to the file, buffering as it likes.
	Write(p []byte) (int, error)
	// Flush hands every byte written so far to the kernel (no fsync).
	Flush() error
	// HandedTo returns the file offset below which every byte written is
	// in the kernel's hands: a read of the file finds it.
	HandedTo() int64
	// CopyHeld copies into p the file bytes from off on when the sink still
	// holds all of them (up to the end of what was written) in memory; ok
	// is false when it does not.
	CopyHeld(p []byte, off int64) (n int, ok bool)
	// Close stops what the sink runs in the background; it does not flush.
	Close() error
}

// newSink returns the sink for f, whose first off bytes are written and
// are head: one that writes around the page cache where the file system
// allows, else pageSink.
func newSink(f *os.File, path string, head []byte) recordSink {
	if s := openDirect(f, path, head); s != nil {
		return s
	}
	return newPageSink(f, int64(len(head)))
}

// pageSink writes through a bufio.Writer and the page cache, with the
// writeback loop (see fileSink.writeback) dropping written pages behind it.
type pageSink struct {
	*bufio.Writer
	file *fileSink
	stop chan struct{}
	done chan struct{}
}

func newPageSink(f *os.File, off int64) *pageSink {
	fs := newFileSink(f, off)
	s := &pageSink{Writer: bufio.NewWriterSize(fs, writeBuf), file: fs, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		fs.writeback(s.stop)
	}()
	return s
}

// HandedTo returns the offset up to which the bufio.Writer wrote to the file.
func (s *pageSink) HandedTo() int64 { return s.file.written.Load() }

// CopyHeld never copies: a bufio.Writer does not let its buffer be read.
func (s *pageSink) CopyHeld([]byte, int64) (int, bool) { return 0, false }

// Close stops the writeback loop.
func (s *pageSink) Close() error {
	close(s.stop)
	<-s.done
	return nil
}
