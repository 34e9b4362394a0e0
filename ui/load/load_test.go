package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ptth-inspector/session/capture/synth"
	"ptth-inspector/session/store"
)

func TestFileOpensCaptureWithBodiesPastBudgetOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.ptthcap")
	if err := synth.Write(path, synth.Options{Exchanges: 1000}); err != nil {
		t.Fatal(err)
	}
	st := store.New(nil)
	var done, total int64
	closer, warnings, err := File(st, path, func(d, t int64) { done, total = d, t })
	if err != nil || len(warnings) > 0 {
		t.Fatalf("load: %v %v", err, warnings)
	}
	defer closer.Close()
	if s := st.Stats(); s.Exchanges != 1000 || s.Sessions != 5 || s.Bytes == 0 {
		t.Fatalf("stats %+v, want 1000 exchanges in 5 sessions and the chunks' bytes", s)
	}
	if done != total || total == 0 {
		t.Fatalf("progress ended at %d of %d", done, total)
	}
	e := st.ExchangeAt(999)
	b, err := e.Response.Wire()
	if err != nil || !strings.HasPrefix(string(b), "HTTP/1.1 ") {
		t.Fatalf("last response's bytes %q (%v)", b, err)
	}
}

func TestFileRefusesWhatItCannotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.bin")
	if err := os.WriteFile(path, []byte("\x00\x01 not a capture"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := store.New(nil)
	if _, _, err := File(st, path, nil); err == nil || st.Stats().Exchanges != 0 {
		t.Fatalf("loading garbage: err %v, %d exchanges", err, st.Stats().Exchanges)
	}
}
