package capture

import (
	"os"
	"sync/atomic"
)

// writebackWindow is the span of the file the writeback loop handles at a
// time.
const writebackWindow = 8 << 20

// writebackLag is how many windows may be under writeback before the loop
// waits for the oldest and drops it from the page cache.
const writebackLag = 2

// fileSink is what the Writer's buffer flushes into: the file, plus a count
// of the bytes handed to it that the writeback loop follows.
type fileSink struct {
	f       *os.File
	written atomic.Int64 // file offset up to which bytes were written
	kick    chan struct{}
}

func newFileSink(f *os.File, off int64) *fileSink {
	s := &fileSink{f: f, kick: make(chan struct{}, 1)}
	s.written.Store(off)
	return s
}

// Write writes p to the file and, each time a window fills, wakes the
// writeback loop without waiting for it.
func (s *fileSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	old := s.written.Add(int64(n)) - int64(n)
	if old/writebackWindow != (old+int64(n))/writebackWindow {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return n, err
}

// writeback runs until stop closes. A capture is written once and read
// rarely, yet every page of it would stay in the page cache: on a long
// capture that evicts everything else, and filling fresh pages costs far
// more than reusing ones (~375 MB/s against ~1.7 GB/s on the VM the
// benchmarks ran on). So behind the writer the loop starts writeback of each
// full window, waits for windows writebackLag behind it, and drops those
// from the cache; the writer never waits for it. Where the system offers no
// way to do this, the loop only waits for stop.
func (s *fileSink) writeback(stop <-chan struct{}) {
	var started, dropped int64
	for {
		select {
		case <-stop:
			return
		case <-s.kick:
		}
		end := s.written.Load() / writebackWindow * writebackWindow
		if end > started {
			if !startWriteback(s.f, started, end-started) {
				return
			}
			started = end
		}
		if old := started - writebackLag*writebackWindow; old > dropped {
			if !dropWritten(s.f, dropped, old-dropped) {
				return
			}
			dropped = old
		}
	}
}
