package proxy

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// step is one run of bytes one peer sends before the other answers.
type step struct {
	side  session.Side
	bytes []byte
}

// loadTranscript turns a transcript in the shared notation into the wire
// bytes each peer sent: head lines end in CRLF; a body takes lines until its
// Content-Length is reached, LF-joined when CRLF would overshoot it (the
// AirPlay plist), and anything left on that side is sent as it stands.
func loadTranscript(t testing.TB, path string) []step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type line struct {
		side session.Side
		text string
	}
	var lines []line
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		side := session.FromClient
		if l[0] == '<' {
			side = session.FromUpstream
		}
		lines = append(lines, line{side, l[1:]})
	}
	var steps []step
	emit := func(side session.Side, b []byte) {
		if n := len(steps); n > 0 && steps[n-1].side == side {
			steps[n-1].bytes = append(steps[n-1].bytes, b...)
			return
		}
		steps = append(steps, step{side, append([]byte(nil), b...)})
	}
	inHead := map[session.Side]bool{session.FromClient: true, session.FromUpstream: true}
	cl := map[session.Side]int{}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if !inHead[l.side] {
			// Body: gather this side's consecutive lines until Content-Length.
			need := cl[l.side]
			var crlf, lf bytes.Buffer
			body := []byte(nil)
			j := i
			for ; j < len(lines) && lines[j].side == l.side && body == nil; j++ {
				crlf.WriteString(lines[j].text + "\r\n")
				lf.WriteString(lines[j].text + "\n")
				switch {
				case crlf.Len() == need:
					body = crlf.Bytes()
				case lf.Len() == need:
					body = lf.Bytes()
				case lf.Len() > need:
					body = crlf.Bytes()
				}
			}
			if body == nil {
				body = crlf.Bytes()
			}
			emit(l.side, body)
			inHead[l.side] = true
			cl[l.side] = 0
			i = j - 1
			continue
		}
		emit(l.side, []byte(l.text+"\r\n"))
		if name, val, ok := strings.Cut(l.text, ":"); ok && strings.EqualFold(name, "Content-Length") {
			cl[l.side], _ = strconv.Atoi(strings.TrimSpace(val))
		}
		if l.text == "" && cl[l.side] > 0 {
			inHead[l.side] = false
		}
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
