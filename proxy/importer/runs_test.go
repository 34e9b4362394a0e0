package importer

import (
	"bytes"
	"os"
	"testing"

	"ptth-inspector/session"
)

func TestReadTranscriptRunsAlternateSides(t *testing.T) {
	f, err := os.Open("../testdata/seed-comet.transcript")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runs, err := ReadTranscriptRuns(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 4 || runs[0].Side != session.FromClient || runs[3].Side != session.FromUpstream {
		t.Fatalf("%d runs", len(runs))
	}
	for i := 1; i < len(runs); i++ {
		if runs[i].Side == runs[i-1].Side {
			t.Fatalf("runs %d and %d come from the same side", i-1, i)
		}
	}
	// The event body has no line end of its own: 210 bytes after the head.
	if !bytes.HasSuffix(runs[1].Bytes, []byte("'body': ''}")) || !bytes.HasSuffix(runs[3].Bytes, []byte("\r\n\r\n{}")) {
		t.Fatalf("bodies gained line ends: %q / %q", runs[1].Bytes[len(runs[1].Bytes)-12:], runs[3].Bytes)
	}
}
