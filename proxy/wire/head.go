package wire

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"ptth-inspector/session"
)

// prefixCheck is how many bytes of a start line are checked before its LF
// arrives, so that a stream of garbage is refused early.
const prefixCheck = 32

// span locates one header line's name and value in headState.hbuf.
type span struct {
	ns, ne, vs, ve int
	cont           bool // an obs-fold continuation of the previous line
}

// headState holds the head of the message in progress.
type headState struct {
	hbuf  []byte // kept head bytes: start line and header lines
	spans []span
	lines int  // header lines so far
	trunc bool // a line of the head was cut at MaxLine

	// Start line: method, target, proto for a request; proto, reason and
	// status for a response. Offsets are into hbuf.
	a0, a1, b0, b1, c0, c1 int
	status                 int
	proto                  string // proto from the tail of a cut request line
}

// stepStart reads the start line, skipping empty lines before it.
func (r *Reader) stepStart(p []byte, t time.Time) int {
	if r.lwire == 0 {
		r.first, r.headKind, r.startOK = t, r.kind, false
	}
	n, done := r.readLine(p)
	if !done {
		if !r.startOK {
			r.checkStartPrefix()
		}
		return n
	}
	if len(r.text) == 0 && !r.over {
		r.offset += r.lwhol
		return n
	}
	r.msgWire = r.lwhol
	r.bareLF = !r.crlf // what readLine noted before the start line is not this message's
	if msg := r.startLine(); msg != "" {
		r.brk(r.offset, msg)
		return n
	}
	r.st = stHead
	return n
}

// checkStartPrefix refuses a start line whose first bytes cannot begin an
// HTTP start line, without waiting for its end.
func (r *Reader) checkStartPrefix() {
	b := r.lbuf[:min(len(r.lbuf), prefixCheck)]
	if len(b) == 1 && b[0] == '\r' {
		return // perhaps an empty line
	}
	i := 0
	for i < len(b) && !isOWS(b[i]) {
		i++
	}
	var ok bool
	if r.headKind == Requests {
		ok = isToken(b[:i])
	} else if i < len(b) {
		_, ok = protoScan(b[:i])
	} else {
		ok, _ = protoScan(b)
	}
	switch {
	case !ok || i == 0 && len(b) > 0:
		r.brk(r.offset, fmt.Sprintf("not an HTTP %s line: %q", r.headKind.startName(), b))
	case i < len(b):
		r.startOK = true
	case len(b) == prefixCheck:
		r.brk(r.offset, fmt.Sprintf("not an HTTP %s line: %q", r.headKind.startName(), b))
	}
}

// startName names the start line of messages of kind k.
func (k Kind) startName() string {
	if k == Responses {
		return "status"
	}
	return "request"
}

// startLine parses the start line just read into headState; it returns
// what was wrong, or "".
func (r *Reader) startLine() string {
	t := r.text
	for _, c := range t {
		if c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Sprintf("control byte %#02x in the %s line", c, r.headKind.startName())
		}
	}
	o := len(r.hbuf)
	r.hbuf = r.appendLine(r.hbuf)
	r.trunc = r.over
	i := 0
	for i < len(t) && !isOWS(t[i]) {
		i++
	}
	if i >= prefixCheck {
		return fmt.Sprintf("not an HTTP %s line: %q", r.headKind.startName(), clip(t))
	}
	if r.headKind == Responses {
		return r.statusLine(t, i, o)
	}
	if !isToken(t[:i]) {
		return fmt.Sprintf("not an HTTP request line: %q", clip(t))
	}
	r.a0, r.a1 = o, o+i
	if r.over {
		tail := trimOWS(r.lineTail())
		j := bytes.LastIndexAny(tail, " \t") + 1
		if _, ok := protoScan(tail[j:]); j == 0 || !ok {
			return fmt.Sprintf("no HTTP version at the end of a %d-byte request line", r.lwhol)
		}
		r.proto = string(tail[j:])
		r.b0, r.b1 = owsBounds(r.hbuf, o+i, o+len(t))
		return ""
	}
	e := len(t)
	for e > i && isOWS(t[e-1]) {
		e--
	}
	j := bytes.LastIndexAny(t[:e], " \t") + 1
	if _, ok := protoScan(t[j:e]); !ok || j <= i {
		return fmt.Sprintf("no HTTP version in request line %q", clip(t))
	}
	r.c0, r.c1 = o+j, o+e
	r.b0, r.b1 = owsBounds(r.hbuf, o+i, o+j)
	if r.b0 == r.b1 {
		return fmt.Sprintf("no target in request line %q", clip(t))
	}
	return ""
}

// statusLine parses a status line whose protocol ends at i.
func (r *Reader) statusLine(t []byte, i, o int) string {
	if _, ok := protoScan(t[:i]); !ok {
		return fmt.Sprintf("not an HTTP status line: %q", clip(t))
	}
	r.a0, r.a1 = o, o+i
	for i < len(t) && isOWS(t[i]) {
		i++
	}
	if i+3 > len(t) || !isDigit(t[i]) || !isDigit(t[i+1]) || !isDigit(t[i+2]) || i+3 < len(t) && !isOWS(t[i+3]) {
		return fmt.Sprintf("no status code in status line %q", clip(t))
	}
	r.status = int(t[i]-'0')*100 + int(t[i+1]-'0')*10 + int(t[i+2]-'0')
	r.c0, r.c1 = owsBounds(r.hbuf, o+i+3, o+len(t))
	return ""
}

// stepHead reads header lines up to the empty line.
func (r *Reader) stepHead(p []byte, t time.Time) int {
	n, done := r.readLine(p)
	if !done {
		return n
	}
	at := r.offset + r.msgWire
	r.msgWire += r.lwhol
	o := len(r.hbuf)
	r.hbuf = r.appendLine(r.hbuf)
	if len(r.text) == 0 && !r.over {
		r.endHead(t)
		return n
	}
	switch {
	case len(r.hbuf) > r.lim.MaxHeaderBytes:
		r.brk(at, fmt.Sprintf("head longer than %d bytes", r.lim.MaxHeaderBytes))
	case bytes.IndexByte(r.text, 0) >= 0:
		r.brk(at, "NUL byte in a header line")
	default:
		r.trunc = r.trunc || r.over
		r.spans = append(r.spans, headerSpan(r.text, o))
		r.lines++
	}
	return n
}

// headerSpan parses a header line placed at offset o.
func headerSpan(t []byte, o int) span {
	if isOWS(t[0]) {
		vs, ve := owsBounds(t, 0, len(t))
		return span{vs: o + vs, ve: o + ve, cont: true}
	}
	c := bytes.IndexByte(t, ':')
	if c < 0 {
		return span{ns: o, ne: o + len(t), vs: o + len(t), ve: o + len(t)}
	}
	vs, ve := owsBounds(t, c+1, len(t))
	return span{ns: o, ne: o + c, vs: o + vs, ve: o + ve}
}

// buildHeaders turns spans into headers, joining obs-fold lines.
func buildHeaders(hs []session.Header, s string, spans []span) []session.Header {
	for _, sp := range spans {
		v := s[sp.vs:sp.ve]
		if sp.cont && len(hs) > 0 {
			if last := &hs[len(hs)-1]; last.Value == "" {
				last.Value = v
			} else if v != "" {
				last.Value += " " + v
			}
			continue
		}
		hs = append(hs, session.Header{Name: s[sp.ns:sp.ne], Value: v})
	}
	return hs
}

// fillStart sets the start line fields of m from s, the head as a string.
func (r *Reader) fillStart(m *session.Message, s string) {
	if r.headKind == Responses {
		m.Proto, m.Status, m.Reason = s[r.a0:r.a1], r.status, s[r.c0:r.c1]
		return
	}
	m.Method, m.Target, m.Proto = s[r.a0:r.a1], s[r.b0:r.b1], s[r.c0:r.c1]
	if r.proto != "" {
		m.Proto = r.proto
	}
}

// endHead builds the message once its head is complete and chooses how to
// read its body.
func (r *Reader) endHead(t time.Time) {
	s := string(r.hbuf)
	m := &session.Message{HeadLen: len(r.hbuf), Truncated: r.trunc, First: r.first}
	r.fillStart(m, s)
	if len(r.spans) > 0 {
		m.Headers = buildHeaders(make([]session.Header, 0, len(r.spans)), s, r.spans)
	}
	f, err := r.framing(m)
	if err != "" {
		r.brk(r.offset+int64(m.HeadLen), err)
		return
	}
	extra := 0
	switch f.mode {
	case bodyLength:
		extra = int(min(f.size, r.lim.MaxBody, 4<<20))
	case bodyChunked, bodyClose:
		extra = 512
	}
	if r.spool != nil {
		extra = min(extra, r.spoolAt) // a longer one spools
	}
	m.Raw = make([]byte, len(r.hbuf), len(r.hbuf)+extra)
	copy(m.Raw, r.hbuf)
	r.headState = headState{hbuf: r.hbuf[:0], spans: r.spans[:0]}
	r.m = m
	switch f.mode {
	case bodyNone:
		r.complete(t)
	case bodyLength:
		r.st, r.remain = stBodyLen, f.size
		if f.size == 0 {
			r.complete(t)
		}
	case bodyChunked:
		m.Chunked = true
		r.st = stChunkSize
	case bodyClose:
		r.st = stBodyClose
	}
}

// partialHead returns the message whose head Close cut short.
func (r *Reader) partialHead(now time.Time) *session.Message {
	raw := make([]byte, 0, len(r.hbuf)+len(r.pending()))
	raw = append(append(raw, r.hbuf...), r.pending()...)
	m := &session.Message{Raw: raw, HeadLen: len(raw), First: r.first, Last: now,
		Truncated: r.trunc || r.lwire > int64(r.max)}
	s := string(raw)
	if len(r.hbuf) == 0 {
		partialStart(m, r.headKind, s)
		return m
	}
	r.fillStart(m, s)
	m.Headers = buildHeaders(nil, s, r.spans)
	return m
}

// partialStart fills the start line fields of m from a start line cut short.
func partialStart(m *session.Message, k Kind, s string) {
	s = strings.TrimSuffix(s, "\r")
	var f [3]string
	for i := range f {
		s = strings.TrimLeft(s, " \t")
		j := strings.IndexAny(s, " \t")
		if j < 0 || i == len(f)-1 {
			j = len(s)
		}
		f[i], s = s[:j], s[j:]
	}
	if k == Requests {
		m.Method, m.Target, m.Proto = f[0], f[1], f[2]
		return
	}
	m.Proto = f[0]
	if len(f[1]) == 3 && isDigit(f[1][0]) && isDigit(f[1][1]) && isDigit(f[1][2]) {
		m.Status = int(f[1][0]-'0')*100 + int(f[1][1]-'0')*10 + int(f[1][2]-'0')
	}
	m.Reason = strings.TrimRight(f[2], " \t")
}

// clip shortens a line for an error message.
func clip(b []byte) []byte { return b[:min(len(b), 80)] }
