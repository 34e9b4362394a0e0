package importer

import (
	"io"
	"time"

	"ptth-inspector/session"
)

// Run is what one peer sent before the other spoke: consecutive chunks from
// the same side of a transcript, joined.
type Run struct {
	Side  session.Side
	Bytes []byte
}

// ReadTranscriptRuns parses transcript notation into the runs of wire bytes
// each peer sent, line ends restored as ReadTranscript does, so a test or a
// scripted peer can replay the conversation byte for byte.
func ReadTranscriptRuns(r io.Reader) ([]Run, error) {
	mem, err := ReadTranscript(r, time.Time{})
	if err != nil {
		return nil, err
	}
	var runs []Run
	err = mem.Chunks(func(_ string, side session.Side, _ time.Time, b []byte) error {
		if n := len(runs); n > 0 && runs[n-1].Side == side {
			runs[n-1].Bytes = append(runs[n-1].Bytes, b...)
		} else {
			runs = append(runs, Run{side, append([]byte(nil), b...)})
		}
		return nil
	})
	return runs, err
}
