package wire

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"ptth-inspector/session"
)

// bodyMode is how a message's body is delimited.
type bodyMode uint8

const (
	bodyNone    bodyMode = iota // no body
	bodyLength                  // Content-Length bytes
	bodyChunked                 // chunked transfer coding
	bodyClose                   // until the sender closes
)

// frame is the body framing chosen for a message.
type frame struct {
	mode bodyMode
	size int64 // for bodyLength
}

// bodyState holds the message whose body is being read.
type bodyState struct {
	m        *session.Message
	remain   int64       // bytes left in the body or the chunk
	trailers int         // trailer bytes so far
	spoolRun io.ReaderAt // the spool reads the message's bytes back (Raw is nil)
	tried    bool        // the spool was asked for this message
}

// framing chooses how to read m's body; it returns what was wrong, or "".
func (r *Reader) framing(m *session.Message) (frame, string) {
	if r.headKind == Responses {
		if s := m.Status; s/100 == 1 || s == 204 || s == 304 || r.h.NoBody(m) {
			return frame{}, ""
		}
	}
	var last string
	coded, length, sawCL := false, int64(0), false
	for _, h := range m.Headers {
		name := h.Name
		for len(name) > 0 && isOWS(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if len(name) != len("Content-Length") && len(name) != len("Transfer-Encoding") {
			continue
		}
		switch {
		case strings.EqualFold(name, "Transfer-Encoding"):
			for c := range strings.SplitSeq(h.Value, ",") {
				if c = strings.Trim(c, " \t"); c != "" {
					last = c
					coded = coded || !strings.EqualFold(c, "identity")
				}
			}
		case strings.EqualFold(name, "Content-Length"):
			for v := range strings.SplitSeq(h.Value, ",") {
				n, ok := parseLength(strings.Trim(v, " \t"))
				if !ok {
					return frame{}, fmt.Sprintf("bad Content-Length %q", h.Value)
				}
				if sawCL && n != length {
					return frame{}, fmt.Sprintf("conflicting Content-Length values %d and %d", length, n)
				}
				length, sawCL = n, true
			}
		}
	}
	switch {
	case coded && strings.EqualFold(last, "chunked"):
		return frame{mode: bodyChunked}, ""
	case coded && r.headKind == Responses:
		return frame{mode: bodyClose}, ""
	case coded:
		return frame{}, fmt.Sprintf("request body coded %q, not chunked: its length is unknown", last)
	case sawCL:
		return frame{mode: bodyLength, size: length}, ""
	case r.headKind == Responses:
		return frame{mode: bodyClose}, ""
	}
	return frame{}, ""
}

// parseLength parses a Content-Length value: decimal digits only.
func parseLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// stepBody reads body bytes and the line end after each chunk's data.
func (r *Reader) stepBody(p []byte, t time.Time) int {
	switch r.st {
	case stBodyLen, stChunkData:
		k := int(min(r.remain, int64(len(p))))
		r.keep(p[:k])
		r.m.BodyLen += int64(k)
		r.msgWire += int64(k)
		if r.remain -= int64(k); r.remain > 0 {
			return k
		}
		if r.st == stBodyLen {
			r.complete(t)
		} else {
			r.st = stChunkEnd
		}
		return k
	case stBodyClose:
		r.keep(p)
		r.m.BodyLen += int64(len(p))
		r.msgWire += int64(len(p))
		return len(p)
	}
	switch c := p[0]; {
	case c == '\r' && r.st == stChunkEnd:
		r.st = stChunkEndLF
	case c == '\n':
		r.bareLF = r.bareLF || r.st == stChunkEnd // LF with no CR before it
		r.st = stChunkSize
	default:
		r.brk(r.offset+r.msgWire, fmt.Sprintf("chunk data followed by %q, not a line end", c))
		return len(p)
	}
	r.keep(p[:1])
	r.msgWire++
	return 1
}

// stepChunkSize reads a chunk-size line.
func (r *Reader) stepChunkSize(p []byte, _ time.Time) int {
	n, done := r.readLine(p)
	if !done {
		return n
	}
	at := r.offset + r.msgWire
	r.msgWire += r.lwhol
	r.keepLine()
	size, ok := chunkSize(r.text)
	switch {
	case !ok:
		r.brk(at, fmt.Sprintf("bad chunk size line %q", clip(r.text)))
	case size == 0:
		r.st = stTrailer
	default:
		r.st, r.remain = stChunkData, size
	}
	return n
}

// chunkSize parses the hexadecimal size at the start of a chunk-size line,
// accepting only what session.Dechunk accepts.
func chunkSize(line []byte) (int64, bool) {
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	line = trimOWS(line)
	if len(line) > 1 {
		line = bytes.TrimLeft(line, "0")
		if len(line) == 0 {
			return 0, true
		}
	}
	if len(line) == 0 || len(line) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range line {
		switch {
		case isDigit(c):
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(c)
	}
	return n, true
}

// stepTrailer reads trailer lines up to the empty line.
func (r *Reader) stepTrailer(p []byte, t time.Time) int {
	n, done := r.readLine(p)
	if !done {
		return n
	}
	at := r.offset + r.msgWire
	r.msgWire += r.lwhol
	r.keepLine()
	if len(r.text) == 0 && !r.over {
		r.complete(t)
		return n
	}
	r.trailers += int(r.lwhol)
	switch {
	case r.trailers > r.lim.MaxHeaderBytes:
		r.brk(at, fmt.Sprintf("trailers longer than %d bytes", r.lim.MaxHeaderBytes))
	case bytes.IndexByte(r.text, 0) >= 0:
		r.brk(at, "NUL byte in a trailer line")
	default:
		s := string(r.text)
		r.m.Trailers = buildHeaders(r.m.Trailers, s, []span{headerSpan(r.text, 0)})
	}
	return n
}

var crlf = []byte("\r\n")

// keep appends body-section bytes to Raw up to MaxBody and counts the rest
// as truncated.
func (r *Reader) keep(b []byte) {
	m := r.m
	if r.spoolRun != nil {
		return
	}
	room := r.lim.MaxBody - int64(len(m.Raw)-m.HeadLen)
	if r.spool != nil && (len(m.Raw)+len(b) > r.spoolAt || room < int64(len(b))) && r.startSpool() {
		return
	}
	if room < int64(len(b)) {
		m.Truncated = true
		b = b[:max(room, 0)]
	}
	if len(b) == 0 {
		return
	}
	if need := len(m.Raw) + len(b); need > cap(m.Raw) {
		// Double, not append's 1.25, and never past the limit.
		n := min(max(2*cap(m.Raw), need), m.HeadLen+int(r.lim.MaxBody))
		m.Raw = slices.Grow(m.Raw, n-len(m.Raw))
	}
	m.Raw = append(m.Raw, b...)
}

// spoolCheck is how many kept bytes are compared with what the spool
// reads back before a message is left to it.
const spoolCheck = 4 << 10

// startSpool leaves the message in progress to the spool if it can: Raw is
// dropped and its bytes are read back from the spool from now on.
func (r *Reader) startSpool() bool {
	m := r.m
	if r.tried || m.Truncated {
		return false
	}
	r.tried = true
	run := r.spool.At(r.offset)
	if run == nil {
		return false
	}
	// The spool's idea of the stream must be this reader's: compare what it
	// holds with the start of what was kept. A mismatch is a bug somewhere;
	// keep the bytes in memory, as without a spool.
	n := min(len(m.Raw), spoolCheck)
	b := make([]byte, n)
	if k, _ := run.ReadAt(b, 0); k != n || !bytes.Equal(b, m.Raw[:n]) {
		r.spool = nil
		return false
	}
	r.spoolRun, m.Raw = run, nil
	return true
}

// spooled gives m, whose bytes the spool holds, a Ref to its first n bytes.
func (r *Reader) spooled(m *session.Message, n int64) {
	m.Ref = &session.RawRef{R: r.spoolRun, Len: n}
}

// keepLine keeps the line just read, as cut to MaxLine.
func (r *Reader) keepLine() {
	r.keep(r.text)
	if r.crlf {
		r.keep(crlf)
	} else {
		r.keep(crlf[1:])
	}
	if r.over {
		r.m.Truncated = true
	}
}

// complete hands the finished message to the handler.
func (r *Reader) complete(t time.Time) {
	m := r.m
	m.Last = t
	m.BareLF = r.bareLF
	if r.spoolRun != nil {
		r.spooled(m, r.msgWire)
	}
	if spare := cap(m.Raw) - len(m.Raw); spare > 4096 && spare > len(m.Raw)/8 {
		m.Raw = slices.Clone(m.Raw) // do not leave growth room in a stored message
	}
	r.offset += r.msgWire
	r.msgWire = 0
	r.bodyState = bodyState{}
	r.st = stStart
	r.h.Message(m)
}

// partialBody returns the message whose body Close cut short in state st.
func (r *Reader) partialBody(st state, now time.Time) *session.Message {
	m := r.m
	inLine := (st == stChunkSize || st == stTrailer) && r.lwire > 0
	if inLine {
		r.keep(r.pending()) // may leave the message to the spool
	}
	if r.spoolRun != nil {
		n := r.msgWire
		if inLine {
			n += r.lwire
		}
		r.spooled(m, n)
	} else if inLine && r.lwire > int64(r.max) {
		m.Truncated = true
	}
	m.Last = now
	return m
}

// bodyErr says where in state st the body was cut short.
func (r *Reader) bodyErr(st state) error {
	switch st {
	case stBodyLen:
		return fmt.Errorf("%w: %d of %d bytes", ErrBodyCutShort, r.m.BodyLen, r.m.BodyLen+r.remain)
	case stChunkData:
		return fmt.Errorf("%w: %d bytes short in a chunk", ErrBodyCutShort, r.remain)
	case stTrailer:
		return fmt.Errorf("%w: in the trailers", ErrBodyCutShort)
	}
	return fmt.Errorf("%w: no last chunk after %d bytes", ErrBodyCutShort, r.m.BodyLen)
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isAlpha reports whether c is an ASCII letter.
func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// isToken reports whether b is a non-empty RFC 9110 token.
func isToken(b []byte) bool {
	for _, c := range b {
		if !isAlpha(c) && !isDigit(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return len(b) > 0
}

// protoScan matches b against NAME "/" DIGITS "." DIGITS: prefix reports
// whether b could begin such a protocol, full whether it is one.
func protoScan(b []byte) (prefix, full bool) {
	st := 0 // 0 name start, 1 name, 2 major start, 3 major, 4 minor start, 5 minor
	for _, c := range b {
		switch {
		case st == 0 && isAlpha(c):
			st = 1
		case st == 1 && c == '/':
			st = 2
		case st == 1 && (isAlpha(c) || isDigit(c) || c == '-' || c == '_'):
		case (st == 2 || st == 3) && isDigit(c):
			st = 3
		case st == 3 && c == '.':
			st = 4
		case (st == 4 || st == 5) && isDigit(c):
			st = 5
		default:
			return false, false
		}
	}
	return true, st == 5
}
