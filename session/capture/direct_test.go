package capture

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"ptth-inspector/session"
)

// refusing is a direct handle on a file system without O_DIRECT.
type refusing struct{ calls int }

func (r *refusing) WriteAt([]byte, int64) (int, error) { r.calls++; return 0, syscall.EINVAL }

// gated holds every block until release closes, then writes it to f.
type gated struct {
	f       *os.File
	release chan struct{}
}

func (g gated) WriteAt(p []byte, off int64) (int, error) {
	<-g.release
	return g.f.WriteAt(p, off)
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

func plainFile(t *testing.T, head []byte) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	must(t, err)
	t.Cleanup(func() { f.Close() })
	_, err = f.Write(head)
	must(t, err)
	return f
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}

func fileBytes(t *testing.T, f *os.File) []byte {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	must(t, err)
	return b
}

func TestDirectSinkWritesThroughPlainWhenRefused(t *testing.T) {
	head := []byte("HEAD")
	f := plainFile(t, head)
	direct := &refusing{}
	s := newDirectSink(direct, f, nopCloser{}, head)
	data := randomBytes(2*directBlock + 12345)
	for p := data; len(p) > 0; {
		n := min(len(p), 70000)
		_, err := s.Write(p[:n])
		must(t, err)
		p = p[n:]
	}
	must(t, s.Flush())
	must(t, s.Close())
	if direct.calls != 1 {
		t.Errorf("direct handle tried %d times, want once before falling back", direct.calls)
	}
	if got, want := fileBytes(t, f), append(head, data...); !bytes.Equal(got, want) {
		t.Fatalf("file holds %d bytes, want the %d written", len(got), len(want))
	}
}

func TestDirectSinkFlushedTailIsCoveredByItsBlock(t *testing.T) {
	head := []byte("HEAD")
	f := plainFile(t, head)
	s := newDirectSink(f, f, nopCloser{}, head)
	data := randomBytes(directBlock + 5000)
	_, err := s.Write(data[:100])
	must(t, err)
	must(t, s.Flush())
	if got := fileBytes(t, f); !bytes.Equal(got, append(head, data[:100]...)) {
		t.Fatalf("after the first Flush the file holds %d bytes, want %d", len(got), len(head)+100)
	}
	if s.HandedTo() != int64(len(head)+100) {
		t.Errorf("HandedTo = %d", s.HandedTo())
	}
	_, err = s.Write(data[100:])
	must(t, err)
	must(t, s.Flush())
	must(t, s.Close())
	if got := fileBytes(t, f); !bytes.Equal(got, append(head, data...)) {
		t.Fatal("file differs from what was written")
	}
}

func TestDirectSinkCopiesHeldBytes(t *testing.T) {
	head := []byte("HEAD")
	f := plainFile(t, head)
	g := gated{f: f, release: make(chan struct{})}
	s := newDirectSink(g, f, nopCloser{}, head)
	data := randomBytes(2*directBlock + 777)
	_, err := s.Write(data) // two blocks in flight, held by the gate
	must(t, err)
	all := append(append([]byte(nil), head...), data...)
	for _, c := range []struct {
		off, n int64
	}{{0, 10}, {directBlock - 5, 10}, {2*directBlock - 3, 500}, {int64(len(all)) - 4, 4}} {
		p := make([]byte, c.n)
		n, ok := s.CopyHeld(p, c.off)
		if !ok || n != int(c.n) || !bytes.Equal(p, all[c.off:c.off+c.n]) {
			t.Errorf("CopyHeld(%d bytes at %d) = %d, %v", c.n, c.off, n, ok)
		}
	}
	p := make([]byte, 10)
	if n, ok := s.CopyHeld(p, int64(len(all))-4); !ok || n != 4 {
		t.Errorf("CopyHeld past the end = %d, %v; want the 4 bytes there", n, ok)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); close(g.release) }()
	must(t, s.Flush())
	wg.Wait()
	if _, ok := s.CopyHeld(p, 0); ok {
		t.Error("CopyHeld copied bytes that are only on disk now")
	}
	must(t, s.Close())
	if !bytes.Equal(fileBytes(t, f), all) {
		t.Fatal("file differs from what was written")
	}
}

func TestWriterReadsBackBytesStillHeld(t *testing.T) {
	w, _ := create(t)
	defer w.Close()
	must(t, w.Session(&session.Session{ID: "s"}))
	data := randomBytes(300 << 10)
	must(t, w.Chunk("s", session.FromClient, t0, data))
	r := w.Spool("s", session.FromClient, 0)
	if r == nil {
		t.Fatal("no spool for a chunk just written")
	}
	got := make([]byte, len(data))
	if _, err := io.ReadFull(io.NewSectionReader(r, 0, int64(len(data))), got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("spool read back other bytes")
	}
}
