package export

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"ptth-inspector/session"
)

// RawDelimiter starts the line that precedes each request in the raw format;
// the rest of that line is a comment.
const RawDelimiter = "###"

// WriteRaw writes every request of src, forward and reversed, as .http text:
// a line "### N DIRECTION TRANSPORT exchange ID session ID" (plus
// "truncated" when the capture cut the body, "injected" when the inspector
// sent it), then the request's exact wire bytes, then one LF. ParseRaw reads
// it back.
func WriteRaw(w io.Writer, src Source) error { return writeRaw(w, src, nil) }

func writeRaw(w io.Writer, src Source, warn func(string)) error {
	bw := bufio.NewWriter(w)
	n := 0
	err := eachReadable(src, warn, false, func(e *session.Exchange) error {
		if e.Request == nil {
			return nil
		}
		raw, err := e.Request.Wire()
		if err != nil {
			return fmt.Errorf("exchange %s: %w", e.ID, err)
		}
		n++
		fmt.Fprintf(bw, "%s %d %s %s exchange %s session %s", RawDelimiter, n, e.Direction, e.Transport, e.ID, e.Session)
		if e.Request.Truncated {
			bw.WriteString(" truncated")
		}
		if e.Injected {
			bw.WriteString(" injected")
		}
		bw.WriteString("\n")
		bw.Write(raw)
		bw.WriteString("\n")
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// ParseRaw reads .http text: messages (usually requests) separated by lines
// starting with "###" (the rest of such a line is a comment; text before the
// first one is a message too). Head lines may end in LF or CRLF and come back
// with CRLF; bodies are kept byte for byte and framed by Content-Length or
// chunked coding, so a body may hold "###" lines. A request body without
// either gets a Content-Length header. A block whose "###" line says
// "truncated" may hold less body than Content-Length says. Errors name the line.
func ParseRaw(r io.Reader) ([]*session.Message, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := &rawParser{data: data}
	var out []*session.Message
	truncated := false
	for p.pos < len(data) {
		if p.atDelimiter() {
			line := p.line()
			truncated = strings.Contains(string(line), "truncated")
			continue
		}
		if p.blank() {
			p.line()
			continue
		}
		m, err := p.message(truncated)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

type rawParser struct {
	data []byte
	pos  int
}

// lineNo is the 1-based line number of offset off.
func (p *rawParser) lineNo(off int) int { return bytes.Count(p.data[:off], []byte("\n")) + 1 }

func (p *rawParser) errorf(off int, format string, a ...any) error {
	return fmt.Errorf("line %d: %s", p.lineNo(off), fmt.Sprintf(format, a...))
}

func (p *rawParser) atDelimiter() bool {
	return bytes.HasPrefix(p.data[p.pos:], []byte(RawDelimiter))
}

// line returns the line at pos with its line end, and moves past it.
func (p *rawParser) line() []byte {
	rest := p.data[p.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		p.pos = len(p.data)
		return rest
	}
	p.pos += i + 1
	return rest[:i+1]
}

// blank reports whether the line at pos is empty or white space.
func (p *rawParser) blank() bool {
	rest := p.data[p.pos:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return len(bytes.TrimSpace(rest)) == 0
}

// blockEnd is the offset of the next delimiter line at or after pos (or the end).
func (p *rawParser) blockEnd(from int) int {
	for off := from; off < len(p.data); {
		if (off == 0 || p.data[off-1] == '\n') && bytes.HasPrefix(p.data[off:], []byte(RawDelimiter)) {
			return off
		}
		i := bytes.IndexByte(p.data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return len(p.data)
}
