package edit

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// ParseMany reads the requests of a ".http" file by the rule in the package
// documentation. Errors name the request and the line.
func ParseMany(rd io.Reader) ([]Request, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("edit: read requests: %w", err)
	}
	var out []Request
	for _, p := range splitParts(data) {
		if out, err = parsePart(out, p.b, p.line); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// part is the text between two separator lines and the number of its first
// line.
type part struct {
	b    []byte
	line int
}

// splitParts cuts data at lines beginning with "###", which belong to no
// part.
func splitParts(data []byte) []part {
	var parts []part
	start, startLine := 0, 1
	for pos, no := 0, 1; pos < len(data); no++ {
		end := len(data)
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		if bytes.HasPrefix(data[pos:end], []byte("###")) {
			parts = append(parts, part{data[start:pos], startLine})
			start, startLine = end, no+1
		}
		pos = end
	}
	return append(parts, part{data[start:], startLine})
}

// parsePart appends the requests of one part to out.
func parsePart(out []Request, b []byte, no int) ([]Request, error) {
	pos := 0
	for {
		pos, no = skipFiller(b, pos, no, true)
		if pos >= len(b) {
			return out, nil
		}
		fail := func(err error) ([]Request, error) {
			return nil, fmt.Errorf("edit: request %d: %w", len(out)+1, err)
		}
		r, off, err := parseHead(b[pos:], no, true)
		if err != nil {
			return fail(err)
		}
		startLine := no
		no += bytes.Count(b[pos:pos+off], []byte("\n"))
		pos += off
		rest := b[pos:]
		n, err := framedLen(r, rest, startLine)
		switch {
		case err != nil:
			return fail(err)
		case n >= 0:
			r.Body = bytes.Clone(rest[:n])
			r.AutoLength = framingOK(r.Headers, r.Body)
		case bodyless(rest):
			r.AutoLength = framingOK(r.Headers, nil)
			n = 0
		default:
			r.Body = bytes.Clone(bytes.TrimRight(rest, "\r\n"))
			r.AutoLength = true
			n = len(rest)
		}
		no += bytes.Count(rest[:n], []byte("\n"))
		pos += n
		out = append(out, r)
	}
}

// skipFiller moves past blank lines, and comment lines when comments is
// set, returning the new offset and line number.
func skipFiller(b []byte, pos, no int, comments bool) (int, int) {
	for pos < len(b) {
		end := len(b)
		if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		t := bytes.TrimRight(b[pos:end], "\r\n")
		if len(t) > 0 && !(comments && isComment(t)) {
			break
		}
		pos, no = end, no+1
	}
	return pos, no
}

// requestLine matches a start line that ends in an HTTP or PTTH version.
var requestLine = regexp.MustCompile(`^[!#$%&'*+.^_|~0-9A-Za-z-]+[ \t]+[^ \t]+[ \t]+(HTTP|PTTH)/[0-9]+\.[0-9]+\r?$`)

// bodyless reports whether an unframed request has no body: after blank and
// comment lines, rest ends or holds the next request line.
func bodyless(rest []byte) bool {
	pos, _ := skipFiller(rest, 0, 0, true)
	if pos >= len(rest) {
		return true
	}
	line, _, _ := bytes.Cut(rest[pos:], []byte("\n"))
	return requestLine.Match(line)
}

// framedLen returns the body length the head's framing gives, or -1 when the
// head has neither Transfer-Encoding nor Content-Length.
func framedLen(r Request, rest []byte, line int) (int, error) {
	bad := func(format string, a ...any) (int, error) {
		return 0, &ParseError{Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if hasHeader(r, "Transfer-Encoding") {
		if !chunkedFraming(r.Headers) {
			return bad("Transfer-Encoding %q cannot frame a request body (it must end in chunked)", r.Header("Transfer-Encoding"))
		}
		n, err := chunkedLen(rest)
		if err != nil {
			return bad("chunked body: %v", err)
		}
		return n, nil
	}
	n, seen := -1, ""
	for _, h := range r.Headers {
		if !strings.EqualFold(h.Name, "Content-Length") {
			continue
		}
		v, err := strconv.ParseUint(h.Value, 10, 31)
		switch {
		case err != nil:
			return bad("Content-Length %q is not a length", h.Value)
		case n >= 0 && int(v) != n:
			return bad("Content-Length %s disagrees with Content-Length %s", h.Value, seen)
		}
		n, seen = int(v), h.Value
	}
	if n > len(rest) {
		return bad("Content-Length is %d but only %d bytes follow before the next ### or the end", n, len(rest))
	}
	return n, nil
}

func hasHeader(r Request, name string) bool {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// chunkedLen returns how many bytes of b the chunked body takes: chunks,
// the last chunk, trailers and their empty line (which may be missing at
// the very end).
func chunkedLen(b []byte) (int, error) {
	pos := 0
	for {
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			return 0, fmt.Errorf("chunk size line cut short at byte %d", pos)
		}
		size := bytes.TrimRight(b[pos:pos+i], "\r")
		if j := bytes.IndexByte(size, ';'); j >= 0 {
			size = size[:j]
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 31)
		if err != nil {
			return 0, fmt.Errorf("bad chunk size %q at byte %d", size, pos)
		}
		pos += i + 1
		if n == 0 {
			for {
				i := bytes.IndexByte(b[pos:], '\n')
				if i < 0 {
					return len(b), nil
				}
				t := bytes.TrimRight(b[pos:pos+i], "\r")
				pos += i + 1
				if len(t) == 0 {
					return pos, nil
				}
			}
		}
		if uint64(len(b)-pos) < n {
			return 0, fmt.Errorf("chunk of %d bytes cut short at byte %d", n, pos)
		}
		pos += int(n)
		if bytes.HasPrefix(b[pos:], []byte("\r\n")) {
			pos += 2
		} else if bytes.HasPrefix(b[pos:], []byte("\n")) {
			pos++
		} else {
			return 0, fmt.Errorf("chunk data not followed by a line end at byte %d", pos)
		}
	}
}
