package body

import (
	"bytes"
	"unicode/utf8"

	"ptth-inspector/session"
	"ptth-inspector/session/export"
)

// Lines is a body cut into display lines, produced on demand.
type Lines interface {
	Len() int
	Line(i int) string
}

// WrapAt is the longest display line; longer lines continue on the next
// row, so a megabyte of minified JSON never lands in one label.
const WrapAt = 160

// TextLines cuts text at line ends and every WrapAt bytes (on a rune
// boundary); only the start offsets are stored.
type TextLines struct {
	b     []byte
	start []int32
}

// NewTextLines indexes the lines of b.
func NewTextLines(b []byte) *TextLines {
	t := &TextLines{b: b}
	if len(b) == 0 {
		return t
	}
	for off := 0; off < len(b); {
		t.start = append(t.start, int32(off))
		end := off + WrapAt
		if nl := bytes.IndexByte(b[off:min(end, len(b))], '\n'); nl >= 0 {
			off += nl + 1
			continue
		}
		if end >= len(b) {
			break
		}
		for end > off && !utf8.RuneStart(b[end]) {
			end--
		}
		// A line end right at the wrap point belongs to this row.
		if b[end] == '\n' {
			end++
		} else if b[end] == '\r' && end+1 < len(b) && b[end+1] == '\n' {
			end += 2
		}
		off = end
	}
	return t
}

// Len returns the number of display lines.
func (t *TextLines) Len() int { return len(t.start) }

// Line returns display line i without its line end, invalid UTF-8 escaped.
func (t *TextLines) Line(i int) string {
	lo := int(t.start[i])
	hi := len(t.b)
	if i+1 < len(t.start) {
		hi = int(t.start[i+1])
	}
	s := t.b[lo:hi]
	s = bytes.TrimSuffix(s, []byte("\n"))
	s = bytes.TrimSuffix(s, []byte("\r"))
	if utf8.Valid(s) && bytes.IndexByte(s, '\\') < 0 && !hasControl(s) {
		return string(s)
	}
	return export.Escape(s)
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' {
			return true
		}
	}
	return false
}

// HexLines shows 16 bytes a line: offset, hex and printable ASCII.
type HexLines []byte

// Len returns the number of display lines.
func (h HexLines) Len() int { return (len(h) + 15) / 16 }

// Line returns the dump of bytes 16*i to 16*i+15.
func (h HexLines) Line(i int) string {
	return session.HexLine(h[i*16:min(i*16+16, len(h))], i*16)
}

// Raw line ends as the Raw tab prints them. Escape writes a backslash as
// \\, so these marks cannot be mistaken for bytes of the line.
const (
	CRLFMark = `\r\n`
	LFMark   = `\n`
)

// WireLines shows exact wire bytes one wire line at a time in transcript
// notation — a side marker, then the line escaped as export.Escape does —
// with the line end made visible (CRLFMark or LFMark), so nothing is hidden.
type WireLines struct {
	parts []wirePart
	n     int
}

type wirePart struct {
	marker string
	lines  *TextLines
}

// NewWireLines lays out each message's wire bytes after its side marker.
func NewWireLines(msgs ...WireMessage) *WireLines {
	w := &WireLines{}
	for _, m := range msgs {
		if len(m.Bytes) == 0 {
			continue
		}
		p := wirePart{marker: m.Side.Marker(), lines: NewTextLines(m.Bytes)}
		w.parts = append(w.parts, p)
		w.n += p.lines.Len()
	}
	return w
}

// WireMessage is one message's wire bytes and the side that sent them.
type WireMessage struct {
	Side  session.Side
	Bytes []byte
}

// Len returns the number of display lines.
func (w *WireLines) Len() int { return w.n }

// Line returns wire line i: marker, escaped bytes and the line-end mark.
func (w *WireLines) Line(i int) string {
	for _, p := range w.parts {
		if i >= p.lines.Len() {
			i -= p.lines.Len()
			continue
		}
		t := p.lines
		lo := int(t.start[i])
		hi := len(t.b)
		if i+1 < len(t.start) {
			hi = int(t.start[i+1])
		}
		s, end := t.b[lo:hi], ""
		switch {
		case bytes.HasSuffix(s, []byte("\r\n")):
			s, end = s[:len(s)-2], CRLFMark
		case bytes.HasSuffix(s, []byte("\n")):
			s, end = s[:len(s)-1], LFMark
		}
		return p.marker + export.Escape(s) + end
	}
	return ""
}

// StringLines are lines already cut.
type StringLines []string

// Len returns the number of lines.
func (s StringLines) Len() int { return len(s) }

// Line returns line i.
func (s StringLines) Line(i int) string { return s[i] }

// HeadLines lists a message's start line, its headers in wire order and
// case, and its trailers, escaped where they hold control bytes.
func HeadLines(m *session.Message) StringLines {
	if m == nil {
		return nil
	}
	out := StringLines{m.StartLine()}
	for _, h := range m.Headers {
		out = append(out, export.Escape([]byte(h.Name+": "+h.Value)))
	}
	if len(m.Trailers) > 0 {
		out = append(out, "", "trailers:")
		for _, h := range m.Trailers {
			out = append(out, export.Escape([]byte(h.Name+": "+h.Value)))
		}
	}
	return out
}

// Join shows several line sources one after another.
func Join(parts ...Lines) Lines { return joined(parts) }

type joined []Lines

// Len returns the number of lines in all parts.
func (j joined) Len() int {
	n := 0
	for _, p := range j {
		n += p.Len()
	}
	return n
}

// Line returns line i counted across the parts.
func (j joined) Line(i int) string {
	for _, p := range j {
		if i < p.Len() {
			return p.Line(i)
		}
		i -= p.Len()
	}
	return ""
}
