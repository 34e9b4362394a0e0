package proxy

import (
	"bytes"
	"os"
	"testing"
	"time"

	"ptth-inspector/proxy/importer"
	"ptth-inspector/session"
)

// step is one run of bytes one peer sends before the other answers.
type step struct {
	side  session.Side
	bytes []byte
}

// loadTranscript turns a transcript in the shared notation into the wire
// bytes each peer sent, with the importer's line-end restoration (CRLF for
// heads, and for bodies the line ends that add up to Content-Length).
func loadTranscript(t testing.TB, path string) []step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mem, err := importer.ReadTranscript(f, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var steps []step
	mem.Chunks(func(_ string, side session.Side, _ time.Time, b []byte) error {
		if n := len(steps); n > 0 && steps[n-1].side == side {
			steps[n-1].bytes = append(steps[n-1].bytes, b...)
		} else {
			steps = append(steps, step{side, append([]byte(nil), b...)})
		}
		return nil
	})
	return steps
}

func TestLoadTranscriptAirPlayBody(t *testing.T) {
	steps := loadTranscript(t, "testdata/airplay-reverse.transcript")
	if len(steps) != 3 {
		t.Fatalf("got %d steps, want 3", len(steps))
	}
	up := steps[1].bytes
	i := bytes.Index(up, []byte("\r\n\r\n<?xml"))
	j := bytes.LastIndex(up, []byte("\r\n\r\n"))
	if i < 0 {
		t.Fatalf("no plist body in %q", up)
	}
	if body := up[j+4:]; len(body) != 316 || bytes.Contains(body, []byte("\r")) {
		t.Fatalf("plist body is %d bytes (want 316, LF only): %q", len(body), body)
	}
}
