package proxy

import (
	"bytes"
	"os"
	"testing"

	"ptth-inspector/proxy/importer"
	"ptth-inspector/session"
)

// step is one run of bytes one peer sends before the other answers.
type step struct {
	side  session.Side
	bytes []byte
}

// loadTranscript turns a transcript into the runs of wire bytes each peer
// sent (see importer.ReadTranscriptRuns).
func loadTranscript(t testing.TB, path string) []step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runs, err := importer.ReadTranscriptRuns(f)
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]step, len(runs))
	for i, r := range runs {
		steps[i] = step{r.Side, r.Bytes}
	}
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
