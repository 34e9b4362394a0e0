package edit

import (
	"bytes"
	"fmt"
	"strings"

	"ptth-inspector/session"
)

// ParseError is a request text that cannot be read, with the 1-based line
// where the problem is.
type ParseError struct {
	Line int
	Msg  string
}

// Error returns "line N: message".
func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a request as typed in the raw view, tolerantly: lines end in
// LF or CRLF, blank lines before the start line are skipped, the start line
// is METHOD TARGET [PROTO] separated by spaces or tabs, header values lose
// surrounding spaces and tabs, a line starting with a space or tab continues
// the previous header (obs-fold), and everything after the first empty line
// is the body, byte for byte. AutoLength is set when the headers already
// frame that body (FramingOK), so Parse(r.Bytes()) equals r whenever
// r.AutoLength == r.FramingOK(). A missing start line or a header line
// without a colon is a *ParseError naming the line.
func Parse(raw []byte) (Request, error) {
	r, body, err := parseHead(raw, 1, false)
	if err != nil {
		return Request{}, err
	}
	if body < len(raw) {
		r.Body = bytes.Clone(raw[body:])
	}
	r.AutoLength = framingOK(r.Headers, r.Body)
	return r, nil
}

// lines walks b line by line, counting from line number no.
type lines struct {
	b   []byte
	pos int
	no  int
}

// next returns the next line without its LF and one CR before it, and its
// number; ok is false at the end.
func (l *lines) next() (text []byte, no int, ok bool) {
	if l.pos >= len(l.b) {
		return nil, l.no, false
	}
	rest := l.b[l.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		text, l.pos = rest, len(l.b)
	} else {
		text, l.pos = rest[:i], l.pos+i+1
	}
	no = l.no
	l.no++
	return bytes.TrimSuffix(text, []byte("\r")), no, true
}

// parseHead reads the start line and headers at the beginning of b, whose
// first line is number first. It skips blank lines before the start line,
// and comment lines too when comments is set. It returns the request and
// the offset in b where the body starts.
func parseHead(b []byte, first int, comments bool) (Request, int, error) {
	ls := &lines{b: b, no: first}
	var start []byte
	var no int
	for {
		t, n, ok := ls.next()
		if !ok {
			return Request{}, 0, &ParseError{Line: n, Msg: "missing start line (METHOD TARGET PROTO): the text has none"}
		}
		if len(t) == 0 || comments && isComment(t) {
			continue
		}
		start, no = t, n
		break
	}
	var r Request
	if err := r.parseStart(start, no); err != nil {
		return Request{}, 0, err
	}
	for {
		t, n, ok := ls.next()
		if !ok || len(t) == 0 {
			return r, ls.pos, nil
		}
		if t[0] == ' ' || t[0] == '\t' {
			if len(r.Headers) == 0 {
				return Request{}, 0, &ParseError{Line: n, Msg: fmt.Sprintf("continuation line %s before any header", quote(t))}
			}
			h := &r.Headers[len(r.Headers)-1]
			if v := trimOWS(string(t)); h.Value == "" {
				h.Value = v
			} else if v != "" {
				h.Value += " " + v
			}
			continue
		}
		name, value, found := bytes.Cut(t, []byte(":"))
		switch {
		case !found:
			return Request{}, 0, &ParseError{Line: n, Msg: fmt.Sprintf("header line %s has no colon (Name: value)", quote(t))}
		case len(name) == 0:
			return Request{}, 0, &ParseError{Line: n, Msg: fmt.Sprintf("header line %s has no name before the colon", quote(t))}
		}
		r.Headers = append(r.Headers, session.Header{Name: string(name), Value: trimOWS(string(value))})
	}
}

// parseStart reads "METHOD TARGET [PROTO]"; a target with spaces keeps them
// as single spaces.
func (r *Request) parseStart(t []byte, no int) error {
	f := strings.FieldsFunc(string(t), func(c rune) bool { return c == ' ' || c == '\t' })
	switch {
	case len(f) > 0 && strings.Contains(f[0], ":"):
		return &ParseError{Line: no, Msg: fmt.Sprintf("missing start line (METHOD TARGET PROTO): %s looks like a header", quote(t))}
	case len(f) < 2:
		return &ParseError{Line: no, Msg: fmt.Sprintf("start line %s needs METHOD TARGET PROTO", quote(t))}
	case len(f) == 2:
		r.Method, r.Target = f[0], f[1]
	default:
		r.Method, r.Target, r.Proto = f[0], strings.Join(f[1:len(f)-1], " "), f[len(f)-1]
	}
	return nil
}

func isComment(t []byte) bool {
	return bytes.HasPrefix(t, []byte("#")) || bytes.HasPrefix(t, []byte("//"))
}

func trimOWS(s string) string { return strings.Trim(s, " \t") }

// quote quotes a line for an error message, shortened past 60 bytes.
func quote(t []byte) string {
	if len(t) > 60 {
		return fmt.Sprintf("%q…", t[:60])
	}
	return fmt.Sprintf("%q", t)
}
