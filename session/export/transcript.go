package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"ptth-inspector/session"
)

// spoolMemLimit is how much transcript text is kept in memory before it
// moves to a temp file.
const spoolMemLimit = 32 << 20

// TimeLayout is how times are written in transcript comments, JSON and HAR.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// FormatTime writes t in UTC with nanoseconds, or "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// TranscriptComment returns the "#" line that starts a session's block.
func TranscriptComment(s *session.Session) string {
	started := FormatTime(s.Started)
	if started == "" {
		started = "unknown"
	}
	return fmt.Sprintf("# session %s client %s upstream %s started %s", dash(s.ID), dash(s.Client), dash(s.Upstream), started)
}

// ParseTranscriptComment reads a line written by TranscriptComment; ok is
// false for any other comment.
func ParseTranscriptComment(line string) (s session.Session, ok bool) {
	f := strings.Fields(strings.TrimPrefix(line, "#"))
	if len(f) != 8 || f[0] != "session" || f[2] != "client" || f[4] != "upstream" || f[6] != "started" {
		return s, false
	}
	s.ID, s.Client, s.Upstream = undash(f[1]), undash(f[3]), undash(f[5])
	if f[7] != "unknown" {
		t, err := time.Parse(time.RFC3339Nano, f[7])
		if err != nil {
			return s, false
		}
		s.Started = t
	}
	return s, true
}

// WriteTranscript writes every session of src in transcript notation: a "#"
// comment line per session, then one line per wire line prefixed ">" (client)
// or "<" (upstream), blocks separated by one empty line. red may be nil.
func WriteTranscript(w io.Writer, src Source, red *Redactor) error {
	sp := newSpool(spoolMemLimit)
	defer sp.close()
	var text []byte
	cut := newLineCutter(func(sid string, side session.Side, _ time.Time, line []byte) error {
		line = trimLineEnd(line)
		if red != nil {
			line = red.Line(line)
		}
		text = append(text[:0], side.Marker()...)
		text = append(text, Escape(line)...)
		text = append(text, '\n')
		return sp.write(sid, text)
	})
	if err := src.Chunks(cut.feed); err != nil {
		return err
	}
	if err := cut.finish(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	seen := map[string]bool{}
	first := true
	block := func(s *session.Session) error {
		if !first {
			bw.WriteByte('\n')
		}
		first = false
		seen[s.ID] = true
		bw.WriteString(TranscriptComment(s) + "\n")
		return sp.copyTo(bw, s.ID)
	}
	for _, s := range src.Sessions() {
		if err := block(s); err != nil {
			return err
		}
	}
	for _, id := range sp.keys {
		if !seen[id] {
			if err := block(&session.Session{ID: id}); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

func dash(s string) string {
	if s == "" || strings.ContainsAny(s, " \t") {
		return "-"
	}
	return s
}

func undash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}
