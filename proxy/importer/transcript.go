package importer

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
	"ptth-inspector/session/export"
)

// tline is one wire line of a transcript.
type tline struct {
	side session.Side
	text []byte // unescaped, without line end
	no   int    // line number in the file
}

// block is one session of a transcript.
type block struct {
	meta  session.Session // from the "#" line, when it is one TranscriptComment wrote
	known bool
	lines []tline
}

// ReadTranscript parses transcript notation, restores each line's line end
// (see restoreLineEnds) and runs the bytes through the dissector, so the
// sessions, exchanges, flips and COMET pairs come back as the relay saw
// them. A "#" line starts a new session (an empty line ends one). Sessions
// without a "#" line written by the exporter get a new id, client "client",
// upstream the Host of the first request (or "upstream") and start time
// start; every chunk of a session gets its start time.
func ReadTranscript(r io.Reader, start time.Time) (*export.Memory, error) {
	blocks, err := parseTranscript(r)
	if err != nil {
		return nil, err
	}
	m := export.NewMemory()
	ren := &renamer{rec: m, ids: map[string]string{}}
	book := dissect.NewCometBook(ren)
	for _, b := range blocks {
		chunks := restoreLineEnds(b.lines)
		meta := b.meta
		if meta.Client == "" {
			meta.Client = "client"
		}
		if meta.Upstream == "" {
			meta.Upstream = firstHost(b.lines)
		}
		if meta.Started.IsZero() {
			meta.Started = start
		}
		ren.next = meta.ID
		c := dissect.NewConn(ren, book, meta.Client, meta.Upstream, meta.Started)
		ren.next = ""
		for _, ch := range chunks {
			c.Feed(ch.Side, ch.Data, meta.Started)
		}
		c.Close(session.FromClient, meta.Started)
		c.Close(session.FromUpstream, meta.Started)
		c.End(meta.Started, "")
	}
	return m, nil
}

func parseTranscript(r io.Reader) ([]*block, error) {
	var blocks []*block
	var cur *block
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	for no := 1; sc.Scan(); no++ {
		l := strings.TrimSuffix(sc.Text(), "\r")
		switch {
		case l == "":
			cur = nil
		case l[0] == '#':
			cur = &block{}
			cur.meta, cur.known = export.ParseTranscriptComment(l)
			blocks = append(blocks, cur)
		case l[0] == '>' || l[0] == '<':
			text, err := export.Unescape(l[1:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", no, err)
			}
			if cur == nil {
				cur = &block{}
				blocks = append(blocks, cur)
			}
			side := session.FromClient
			if l[0] == '<' {
				side = session.FromUpstream
			}
			cur.lines = append(cur.lines, tline{side, text, no})
		default:
			return nil, fmt.Errorf("line %d: %q starts with neither > nor < (nor # for a comment)", no, l[:min(len(l), 40)])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("no transcript lines")
	}
	return blocks, nil
}

// firstHost is the Host header of the first request the client sent.
func firstHost(lines []tline) string {
	started := false
	for _, l := range lines {
		if l.side != session.FromClient {
			continue
		}
		s := string(l.text)
		if !started {
			started = s != ""
			continue
		}
		if s == "" {
			break
		}
		if name, value, ok := strings.Cut(s, ":"); ok && strings.EqualFold(name, "Host") && strings.TrimSpace(value) != "" {
			return strings.TrimSpace(value)
		}
	}
	return "upstream"
}

// renamer gives the sessions the dissector creates the ids of their "#" lines.
type renamer struct {
	rec  dissect.Recorder
	ids  map[string]string // dissector id -> id to record
	next string            // id for the next new session
}

func (r *renamer) id(got string) string {
	if v, ok := r.ids[got]; ok {
		return v
	}
	v := got
	if r.next != "" {
		v = r.next
	}
	r.ids[got] = v
	return v
}

// PutSession records s under its new id.
func (r *renamer) PutSession(s *session.Session) {
	cp := *s
	cp.ID = r.id(s.ID)
	r.rec.PutSession(&cp)
}

// PutExchange records e with its session's new id.
func (r *renamer) PutExchange(e *session.Exchange) {
	cp := *e
	cp.Session = r.id(e.Session)
	r.rec.PutExchange(&cp)
}

// Chunk records b with its session's new id.
func (r *renamer) Chunk(id string, side session.Side, t time.Time, b []byte) {
	r.rec.Chunk(r.id(id), side, t, b)
}
