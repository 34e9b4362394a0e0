package wire

import "bytes"

// tailLen is how many bytes at the end of an over-long line are kept, so
// that the protocol at the end of a long request line is still found.
const tailLen = 32

// lineState assembles one line from bytes that may arrive in many Feeds.
// It keeps at most max+1 bytes of a line, whatever its length.
type lineState struct {
	max   int    // longest line content kept whole
	lbuf  []byte // kept bytes of a line split across Feeds
	lwire int64  // wire bytes of the pending line so far, LF excluded
	llast byte   // last byte of the pending line
	tail  [tailLen]byte
	ntail int

	// The line just completed by readLine, valid until the next call.
	text  []byte // content without line end, at most max bytes
	crlf  bool   // the line ended with CR LF (else LF alone)
	over  bool   // the content was longer than max and text is its start
	lwhol int64  // wire bytes of the whole line, line end included

	// bareLF: a line read since the current message's start line ended in
	// LF alone (stepStart resets it; chunk data's line end sets it too).
	bareLF bool
}

// readLine consumes bytes of p up to and including the next LF. It returns
// how many bytes it took and whether a line is complete; the line is then
// in text, crlf, over and lwhol. It never scans a byte twice.
func (l *lineState) readLine(p []byte) (int, bool) {
	i := bytes.IndexByte(p, '\n')
	if i < 0 {
		l.linePart(p)
		return len(p), false
	}
	var whole []byte
	if l.lwire == 0 {
		whole = p[:i]
		l.lwire = int64(i)
		if i > 0 {
			l.llast = p[i-1]
		}
		if i > l.max {
			l.addTail(whole)
		}
	} else {
		l.linePart(p[:i])
		whole = l.lbuf
	}
	l.crlf = l.lwire > 0 && l.llast == '\r'
	l.bareLF = l.bareLF || !l.crlf
	n := l.lwire
	if l.crlf {
		n--
	}
	l.over = n > int64(l.max)
	l.text = whole[:min(n, int64(l.max))]
	l.lwhol = l.lwire + 1
	l.lwire, l.llast, l.lbuf = 0, 0, l.lbuf[:0]
	return i + 1, true
}

// linePart adds bytes of a line that has no LF yet.
func (l *lineState) linePart(b []byte) {
	if len(b) == 0 {
		return
	}
	if l.lwire == 0 {
		l.ntail = 0
	}
	if room := l.max + 1 - len(l.lbuf); room > 0 {
		l.lbuf = append(l.lbuf, b[:min(room, len(b))]...)
	}
	l.lwire += int64(len(b))
	l.llast = b[len(b)-1]
	l.addTail(b)
}

// addTail keeps the last tailLen bytes of the line.
func (l *lineState) addTail(b []byte) {
	if len(b) >= tailLen {
		copy(l.tail[:], b[len(b)-tailLen:])
		l.ntail = tailLen
		return
	}
	keep := min(l.ntail, tailLen-len(b))
	copy(l.tail[:keep], l.tail[l.ntail-keep:l.ntail])
	copy(l.tail[keep:], b)
	l.ntail = keep + len(b)
}

// lineTail returns the end of the line just completed, without its CR.
func (l *lineState) lineTail() []byte {
	t := l.tail[:l.ntail]
	if l.crlf && len(t) > 0 {
		t = t[:len(t)-1]
	}
	return t
}

// pending returns the kept bytes of a line cut short, at most max.
func (l *lineState) pending() []byte { return l.lbuf[:min(len(l.lbuf), l.max)] }

// appendLine appends the completed line as kept: text and its line end.
func (l *lineState) appendLine(dst []byte) []byte {
	dst = append(dst, l.text...)
	if l.crlf {
		return append(dst, '\r', '\n')
	}
	return append(dst, '\n')
}

// isOWS reports whether c is optional white space (SP or HTAB).
func isOWS(c byte) bool { return c == ' ' || c == '\t' }

// trimOWS returns b without leading and trailing SP and HTAB.
func trimOWS(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isOWS(b[i]) {
		i++
	}
	for j > i && isOWS(b[j-1]) {
		j--
	}
	return b[i:j]
}

// owsBounds returns the bounds of b[lo:hi] without surrounding OWS.
func owsBounds(b []byte, lo, hi int) (int, int) {
	for lo < hi && isOWS(b[lo]) {
		lo++
	}
	for hi > lo && isOWS(b[hi-1]) {
		hi--
	}
	return lo, hi
}
