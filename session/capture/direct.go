package capture

import (
	"errors"
	"io"
	"os"
	"syscall"
	"unsafe"
)

const (
	directAlign = 4096    // file offsets and lengths of direct writes are multiples of this
	directBlock = 8 << 20 // bytes per direct write
	directBufs  = 3       // blocks: one filling, the rest being written or free
)

// writerAt is the part of *os.File a directSink writes blocks with.
type writerAt interface {
	WriteAt(p []byte, off int64) (int, error)
}

// directSink writes a capture around the page cache. Records are copied into
// aligned blocks of directBlock bytes; each full block is written by a
// goroutine of its own through a handle opened with O_DIRECT, straight from
// that memory to the disk, while the next block fills. Filling page-cache
// pages costs far more CPU than the copy into a block (see fileSink), and a
// capture is written once and read rarely. Flush waits for the blocks in
// flight and writes the unaligned tail of the filling block through the
// ordinary handle, so the file always has its exact length and a reader
// sees every flushed byte; when the block fills, the direct write covers
// those bytes again with the same content.
type directSink struct {
	direct writerAt // opened with O_DIRECT
	plain  writerAt // the Writer's own handle: tails on Flush, and blocks when direct writes are refused
	closer io.Closer

	buf    []byte      // filling: the file's bytes [base, base+len(buf))
	base   int64       // multiple of directAlign
	handed int64       // every byte below it is in the kernel's hands
	flight []diskBlock // blocks sent to the loop and not taken back, oldest first
	spare  [][]byte
	made   int
	err    error // sticky: a block's write failed
	todo   chan diskBlock
	back   chan diskBlock
	done   chan struct{}
}

// diskBlock is one block's bytes and where they go, and how writing it went.
type diskBlock struct {
	buf []byte
	off int64
	err error
}

// newDirectSink returns a sink whose file starts with head (already written
// through plain).
func newDirectSink(direct, plain writerAt, closer io.Closer, head []byte) *directSink {
	s := &directSink{direct: direct, plain: plain, closer: closer,
		todo: make(chan diskBlock, directBufs), back: make(chan diskBlock, directBufs), done: make(chan struct{})}
	s.buf = append(s.block(), head...)
	s.handed = int64(len(head))
	go s.loop()
	return s
}

// loop writes each block it is sent and sends it back. When the file system
// refuses a direct write (EINVAL: no O_DIRECT there, or an alignment it does
// not take), this and every later block go through the ordinary handle.
func (s *directSink) loop() {
	defer close(s.done)
	refused := false
	for b := range s.todo {
		var err error
		if !refused {
			_, err = s.direct.WriteAt(b.buf, b.off)
			refused = errors.Is(err, syscall.EINVAL)
		}
		if refused {
			_, err = s.plain.WriteAt(b.buf, b.off)
		}
		b.err = err
		s.back <- b
	}
}

// block returns an empty block: a spare one, a new one while fewer than
// directBufs exist, else the oldest one in flight once it is written.
func (s *directSink) block() []byte {
	if n := len(s.spare); n > 0 {
		b := s.spare[n-1]
		s.spare = s.spare[:n-1]
		return b[:0]
	}
	if s.made < directBufs {
		s.made++
		return alignedBlock()[:0]
	}
	return s.takeBack()[:0]
}

// takeBack waits for the oldest block in flight and returns its memory.
func (s *directSink) takeBack() []byte {
	b := <-s.back
	s.flight = s.flight[1:]
	if b.err != nil && s.err == nil {
		s.err = b.err
	}
	if end := b.off + int64(len(b.buf)); end > s.handed {
		s.handed = end
	}
	return b.buf
}

// Write copies p into blocks, sending each one that fills to be written.
func (s *directSink) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	done := 0
	for len(p) > 0 {
		n := copy(s.buf[len(s.buf):cap(s.buf)], p)
		s.buf = s.buf[:len(s.buf)+n]
		p = p[n:]
		done += n
		if len(s.buf) == cap(s.buf) {
			blk := diskBlock{buf: s.buf, off: s.base}
			s.flight = append(s.flight, blk)
			s.todo <- blk
			s.base += int64(len(s.buf))
			s.buf = s.block()
		}
	}
	return done, s.err
}

// Flush waits for the blocks in flight, then writes the bytes of the filling
// block not yet handed over.
func (s *directSink) Flush() error {
	for len(s.flight) > 0 {
		s.spare = append(s.spare, s.takeBack())
	}
	if s.err != nil {
		return s.err
	}
	if end := s.base + int64(len(s.buf)); end > s.handed {
		if _, err := s.plain.WriteAt(s.buf[s.handed-s.base:], s.handed); err != nil {
			s.err = err
			return err
		}
		s.handed = end
	}
	return nil
}

// HandedTo returns the offset below which every byte is in the kernel's
// hands: what was flushed, and every block taken back.
func (s *directSink) HandedTo() int64 { return s.handed }

// CopyHeld copies from the blocks in flight and the filling block.
func (s *directSink) CopyHeld(p []byte, off int64) (int, bool) {
	start := s.base
	if len(s.flight) > 0 {
		start = s.flight[0].off
	}
	if off < start {
		return 0, false
	}
	n := 0
	for _, b := range s.flight {
		n += copyFrom(p[n:], b.buf, off+int64(n)-b.off)
	}
	n += copyFrom(p[n:], s.buf, off+int64(n)-s.base)
	return n, true
}

// copyFrom copies from b[at:] into p when at lies within b.
func copyFrom(p, b []byte, at int64) int {
	if len(p) == 0 || at < 0 || at >= int64(len(b)) {
		return 0
	}
	return copy(p, b[at:])
}

// Close stops the loop (after Flush, nothing is in flight) and closes the
// direct handle.
func (s *directSink) Close() error {
	close(s.todo)
	<-s.done
	return s.closer.Close()
}

// alignedBlock returns directBlock bytes of memory starting on a
// directAlign boundary, as direct writes require.
func alignedBlock() []byte {
	b := make([]byte, directBlock+directAlign)
	skip := (directAlign - int(uintptr(unsafe.Pointer(&b[0]))%directAlign)) % directAlign
	return b[skip : skip+directBlock : skip+directBlock]
}

// openDirect returns a directSink for path, whose handle f has written
// head, or nil where the file cannot be opened for direct writes.
func openDirect(f *os.File, path string, head []byte) recordSink {
	if directFlag == 0 {
		return nil
	}
	d, err := os.OpenFile(path, os.O_WRONLY|directFlag, 0)
	if err != nil {
		return nil
	}
	return newDirectSink(d, f, d, head)
}
