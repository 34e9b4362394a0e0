package export

import (
	"bufio"
	"io"
	"os"
)

// spool keeps text written per key (a session) so it can be read back key
// by key. It stays in memory up to memLimit bytes, then moves to a temp file.
type spool struct {
	mem      []byte
	f        *os.File
	fw       *bufio.Writer
	size     int64
	memLimit int64
	segs     map[string][]segment
	keys     []string // first-written order
}

type segment struct{ off, n int64 }

func newSpool(memLimit int64) *spool {
	return &spool{memLimit: memLimit, segs: map[string][]segment{}}
}

func (s *spool) write(key string, p []byte) error {
	if s.f == nil && s.size+int64(len(p)) > s.memLimit {
		f, err := os.CreateTemp("", "ptth-export-*.spool")
		if err != nil {
			return err
		}
		os.Remove(f.Name()) // unlinked at once where the OS allows it; close removes it otherwise
		s.f, s.fw = f, bufio.NewWriterSize(f, 1<<16)
		if _, err := s.fw.Write(s.mem); err != nil {
			return err
		}
		s.mem = nil
	}
	if s.f != nil {
		if _, err := s.fw.Write(p); err != nil {
			return err
		}
	} else {
		s.mem = append(s.mem, p...)
	}
	segs, ok := s.segs[key]
	if !ok {
		s.keys = append(s.keys, key)
	}
	if n := len(segs); n > 0 && segs[n-1].off+segs[n-1].n == s.size {
		segs[n-1].n += int64(len(p))
	} else {
		segs = append(segs, segment{s.size, int64(len(p))})
	}
	s.segs[key] = segs
	s.size += int64(len(p))
	return nil
}

// copyTo writes everything written under key to w.
func (s *spool) copyTo(w io.Writer, key string) error {
	if s.fw != nil {
		if err := s.fw.Flush(); err != nil {
			return err
		}
	}
	for _, g := range s.segs[key] {
		if s.f == nil {
			if _, err := w.Write(s.mem[g.off : g.off+g.n]); err != nil {
				return err
			}
			continue
		}
		if _, err := io.Copy(w, io.NewSectionReader(s.f, g.off, g.n)); err != nil {
			return err
		}
	}
	return nil
}

func (s *spool) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}
