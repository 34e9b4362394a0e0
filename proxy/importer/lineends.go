package importer

import (
	"regexp"
	"strconv"
	"strings"

	"ptth-inspector/session"
	"ptth-inspector/session/export"
)

// restoreLineEnds turns a session's transcript lines back into chunks. The
// notation drops line ends, so they are restored per side by HTTP framing:
// head lines (start line, headers, trailers, chunk sizes) get CRLF; the lines
// of a body with a known length (Content-Length, or a chunk's size) get the
// line ends that add up to exactly that length: CRLF on every line, CRLF but
// none on the last, LF on every line, or LF but none on the last, tried in
// that order for the fewest lines that fit. That gives back the AirPlay
// plist (LF lines) and a JSON body sent without a line end. When nothing
// fits, lines get CRLF, and a body that ends inside a line splits it. Bodies
// that run to the end of the connection get CRLF. Consecutive lines of one
// side form one chunk.
func restoreLineEnds(lines []tline) []export.Chunk {
	var idx [2][]int // per side: indexes into lines
	for i, l := range lines {
		idx[l.side] = append(idx[l.side], i)
	}
	out := make([][]byte, len(lines))
	q := &methods{}
	for side := range idx {
		p := &sideParser{side: session.Side(side), q: q}
		for _, i := range idx[side] {
			p.text = append(p.text, lines[i].text)
		}
		p.out = make([][]byte, len(p.text))
		p.run()
		for k, i := range idx[side] {
			out[i] = p.out[k]
		}
	}
	var chunks []export.Chunk
	for i, l := range lines {
		if n := len(chunks); n > 0 && chunks[n-1].Side == l.side {
			chunks[n-1].Data = append(chunks[n-1].Data, out[i]...)
		} else {
			chunks = append(chunks, export.Chunk{Side: l.side, Data: append([]byte(nil), out[i]...)})
		}
	}
	return chunks
}

// methods remembers, per side, the methods of requests waiting for an answer
// (a HEAD's response has no body). The two sides are parsed one after the
// other, so the client's requests are queued before the upstream answers.
type methods struct{ pending [2][]string }

// sideParser restores the line ends of one side's lines.
type sideParser struct {
	side session.Side
	q    *methods
	text [][]byte
	out  [][]byte
	i    int // current line
	off  int // bytes of line i already used (a body ended inside it)
}

func (p *sideParser) emit(b []byte, end string) {
	p.out[p.i] = append(append(p.out[p.i], b...), end...)
	p.i++
	p.off = 0
}

// rest is what is left of the current line.
func (p *sideParser) rest() []byte { return p.text[p.i][p.off:] }

// run parses messages until the lines run out.
func (p *sideParser) run() {
	for p.i < len(p.text) {
		p.message()
	}
}

// message reads one head and its body.
func (p *sideParser) message() {
	for p.i < len(p.text) && len(p.rest()) == 0 { // stray empty lines between messages
		p.emit(nil, "\r\n")
	}
	if p.i >= len(p.text) {
		return
	}
	start := string(p.rest())
	p.emit(p.rest(), "\r\n")
	var cl = -1
	chunked := false
	for p.i < len(p.text) {
		l := p.rest()
		p.emit(l, "\r\n")
		if len(l) == 0 {
			break
		}
		name, value, _ := strings.Cut(string(l), ":")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil {
				cl = n
			}
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(value), "chunked")
		}
	}
	other := 1 - p.side
	isResponse := strings.HasPrefix(start, "HTTP/") || strings.HasPrefix(start, "PTTH/")
	if !isResponse {
		method, _, _ := strings.Cut(start, " ")
		p.q.pending[p.side] = append(p.q.pending[p.side], method)
		p.body(chunked, cl, false)
		return
	}
	f := strings.Fields(start)
	status := 0
	if len(f) > 1 {
		status, _ = strconv.Atoi(f[1])
	}
	if status >= 100 && status < 200 && status != 101 {
		return // interim: the final response follows
	}
	method := ""
	if q := p.q.pending[other]; len(q) > 0 {
		method, p.q.pending[other] = q[0], q[1:]
	}
	if status < 200 || status == 204 || status == 304 || method == "HEAD" {
		return
	}
	p.body(chunked, cl, true)
}

func (p *sideParser) body(chunked bool, cl int, toClose bool) {
	switch {
	case chunked:
		p.chunks()
	case cl > 0:
		p.fixed(cl, false)
	case cl < 0 && toClose:
		for p.i < len(p.text) {
			p.emit(p.rest(), "\r\n")
		}
	}
}

// chunks reads a chunked body: size lines, data, trailers.
func (p *sideParser) chunks() {
	for p.i < len(p.text) {
		l := p.rest()
		p.emit(l, "\r\n")
		sz, _, _ := strings.Cut(string(l), ";")
		n, err := strconv.ParseUint(strings.TrimSpace(sz), 16, 31)
		if err != nil {
			return // not chunk framing: go on as heads
		}
		if n == 0 {
			break
		}
		p.fixed(int(n), true)
	}
	for p.i < len(p.text) { // trailers up to the empty line
		l := p.rest()
		p.emit(l, "\r\n")
		if len(l) == 0 {
			return
		}
	}
}

// ends are the ways a run of body lines may end, in order of preference:
// the line end of every line but the last, and of the last.
var ends = [][2]string{{"\r\n", "\r\n"}, {"\r\n", ""}, {"\n", "\n"}, {"\n", ""}}

// fixed reads n body bytes. With chunkData the CRLF after a chunk's data
// follows: it ends the data's last line, or is an empty line of its own.
// Among the ways of ending lines that add up to n, the first whose next line
// looks right (a start line, a chunk size, an empty line or nothing) wins.
func (p *sideParser) fixed(n int, chunkData bool) {
	type fit struct {
		k int
		e [2]string
	}
	var fits []fit
	sum := 0
	for k := 1; p.i+k-1 < len(p.text); k++ {
		if k == 1 {
			sum = len(p.rest())
		} else {
			sum += len(p.text[p.i+k-1])
		}
		for _, e := range ends {
			if sum+(k-1)*len(e[0])+len(e[1]) == n {
				fits = append(fits, fit{k, e})
			}
		}
		if sum+k-1 > n {
			break
		}
	}
	for _, f := range fits {
		if p.follows(p.i+f.k, chunkData, f.e[1] == "") {
			p.assign(f.k, f.e, chunkData)
			return
		}
	}
	if len(fits) > 0 {
		p.assign(fits[0].k, fits[0].e, chunkData)
		return
	}
	for n > 0 && p.i < len(p.text) { // nothing fits: CRLF, splitting the line where the body ends
		l := p.rest()
		switch {
		case len(l) > n:
			p.out[p.i] = append(p.out[p.i], l[:n]...)
			p.off += n
			n = 0
		case len(l)+2 <= n:
			p.emit(l, "\r\n")
			n -= len(l) + 2
		case len(l)+1 == n:
			p.emit(l, "\n")
			n = 0
		default:
			p.emit(l, "")
			n = 0
		}
	}
	if chunkData && p.i < len(p.text) && len(p.rest()) == 0 {
		p.emit(nil, "\r\n")
	}
}

// assign gives k lines the line ends e; chunk data's CRLF completes a bare
// last line or takes the next, empty one.
func (p *sideParser) assign(k int, e [2]string, chunkData bool) {
	for j := 0; j < k-1; j++ {
		p.emit(p.rest(), e[0])
	}
	last := e[1]
	if chunkData && last == "" {
		last = "\r\n"
	}
	p.emit(p.rest(), last)
	if chunkData && e[1] != "" && p.i < len(p.text) && len(p.rest()) == 0 {
		p.emit(nil, "\r\n")
	}
}

// follows reports whether line j may come right after a body: nothing, an
// empty line or a start line; after chunk data, the next chunk's size line
// (after the empty line that ends data with a line end of its own).
func (p *sideParser) follows(j int, chunkData, bare bool) bool {
	if chunkData && !bare {
		if j >= len(p.text) || len(p.text[j]) != 0 {
			return false
		}
		j++
	}
	if j >= len(p.text) {
		return !chunkData
	}
	l := string(p.text[j])
	if chunkData {
		sz, _, _ := strings.Cut(l, ";")
		_, err := strconv.ParseUint(strings.TrimSpace(sz), 16, 31)
		return err == nil
	}
	return l == "" || startLine.MatchString(l)
}

// startLine matches a request line or a status line.
var startLine = regexp.MustCompile(`^([!#$%&'*+.^_|~0-9A-Za-z-]+ \S+ [A-Z]+/\d+(\.\d+)?|[A-Z]+/\d+(\.\d+)? \d{3}( .*)?)$`)
