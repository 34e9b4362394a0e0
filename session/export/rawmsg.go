package export

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"ptth-inspector/session"
)

// startLine parses a request line or a status line into m.
func startLine(line string, m *session.Message) error {
	if isProto(line[:min(len(line), strings.IndexByte(line+" ", ' '))]) {
		proto, rest, _ := strings.Cut(line, " ")
		code, reason, _ := strings.Cut(rest, " ")
		st, err := strconv.Atoi(code)
		if err != nil || len(code) != 3 {
			return fmt.Errorf("%q is not a status line (PROTO STATUS REASON)", line)
		}
		m.Proto, m.Status, m.Reason = proto, st, reason
		return nil
	}
	f := strings.Split(line, " ")
	if len(f) != 3 || f[0] == "" || f[1] == "" || !isProto(f[2]) {
		return fmt.Errorf("%q is not a request line (METHOD TARGET PROTO)", line)
	}
	m.Method, m.Target, m.Proto = f[0], f[1], f[2]
	return nil
}

// isProto accepts NAME/DIGITS.DIGITS, e.g. HTTP/1.1 or PTTH/1.0.
func isProto(s string) bool {
	name, ver, ok := strings.Cut(s, "/")
	if !ok || name == "" || strings.ToUpper(name) != name || ver == "" {
		return false
	}
	return strings.Trim(ver, "0123456789.") == ""
}

func noBodyStatus(st int) bool { return st < 200 || st == 204 || st == 304 }

// message parses one message at pos, within the current block.
func (p *rawParser) message(truncated bool) (*session.Message, error) {
	end := p.blockEnd(p.pos)
	m := &session.Message{}
	var head bytes.Buffer
	for first := true; p.pos < end; first = false {
		at := p.pos
		line := trimLineEnd(p.line())
		if len(line) == 0 {
			break
		}
		s := string(line)
		switch {
		case first:
			if err := startLine(s, m); err != nil {
				return nil, p.errorf(at, "%v", err)
			}
		case s[0] == ' ' || s[0] == '\t':
			if len(m.Headers) == 0 {
				return nil, p.errorf(at, "continuation line before any header")
			}
			m.Headers[len(m.Headers)-1].Value += " " + strings.TrimSpace(s)
		default:
			name, value, ok := strings.Cut(s, ":")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return nil, p.errorf(at, "%q is not a header line (Name: value)", s)
			}
			m.Headers = append(m.Headers, session.Header{Name: name, Value: strings.TrimSpace(value)})
		}
		head.Write(line)
		head.WriteString("\r\n")
	}
	head.WriteString("\r\n")
	bodyAt := p.pos
	region := p.data[p.pos:end]
	var raw, body []byte
	used := -1 // bytes the body took; -1: all of the block
	switch cl := m.Header("Content-Length"); {
	case strings.Contains(strings.ToLower(m.Header("Transfer-Encoding")), "chunked"):
		n, dec, trailers, lfOnly, err := parseChunked(p.data[p.pos:])
		if err != nil {
			return nil, p.errorf(bodyAt, "chunked body: %v", err)
		}
		m.Chunked, m.Trailers, body, raw, used = true, trailers, dec, p.data[p.pos:p.pos+n], n
		if lfOnly {
			raw = chunk(dec, trailers)
		}
	case cl != "":
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		if err != nil || n < 0 {
			return nil, p.errorf(bodyAt, "bad Content-Length %q", cl)
		}
		switch {
		case truncated && n > len(region):
			raw, m.Truncated = trimOneLineEnd(region), true
		case n > len(p.data)-p.pos:
			return nil, p.errorf(bodyAt, "Content-Length says %d bytes but only %d follow before the next %s line", n, len(region), RawDelimiter)
		default:
			raw, used = p.data[p.pos:p.pos+n], n
		}
		body = raw
	case !m.IsRequest() && !noBodyStatus(m.Status):
		raw = trimOneLineEnd(region)
		body = raw
	case m.IsRequest() && len(bytes.TrimSpace(region)) > 0 && !startsMessage(region):
		raw = trimOneLineEnd(region)
		body = raw
		m.Headers = append(m.Headers, session.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
		head.Truncate(head.Len() - 2)
		head.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	default:
		used = 0
	}
	if used < 0 {
		p.pos = end
	} else {
		p.pos += used
		end = p.blockEnd(p.pos)
		if rest := p.data[p.pos:end]; len(bytes.TrimSpace(rest)) > 0 && !startsMessage(rest) {
			return nil, p.errorf(p.pos, "unexpected text after the body (does Content-Length match the body?)")
		}
	}
	m.HeadLen = head.Len()
	m.Raw = append(head.Bytes(), raw...)
	m.BodyLen = int64(len(body))
	return m, nil
}

// startsMessage reports whether the first non-blank line of b is a start line.
func startsMessage(b []byte) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return startLine(string(line), &session.Message{}) == nil
	}
	return false
}

// trimOneLineEnd drops the one line end the raw format adds after a message.
func trimOneLineEnd(b []byte) []byte {
	if bytes.HasSuffix(b, []byte("\r\n")) {
		return b[:len(b)-2]
	}
	return bytes.TrimSuffix(b, []byte("\n"))
}

// parseChunked reads a chunked body (LF or CRLF framing) from b and returns
// how many bytes it took, the decoded body and the trailers.
func parseChunked(b []byte) (n int, body []byte, trailers []session.Header, lfOnly bool, err error) {
	line := func() ([]byte, error) {
		i := bytes.IndexByte(b[n:], '\n')
		if i < 0 {
			return nil, errors.New("cut short before the last chunk")
		}
		l := b[n : n+i]
		n += i + 1
		if !bytes.HasSuffix(l, []byte("\r")) {
			lfOnly = true
		}
		return bytes.TrimSuffix(l, []byte("\r")), nil
	}
	for {
		l, err := line()
		if err != nil {
			return 0, nil, nil, false, err
		}
		sz, _, _ := bytes.Cut(l, []byte(";"))
		size, perr := strconv.ParseUint(string(bytes.TrimSpace(sz)), 16, 31)
		if perr != nil {
			return 0, nil, nil, false, fmt.Errorf("bad chunk size %q", l)
		}
		if size == 0 {
			break
		}
		if n+int(size) > len(b) {
			return 0, nil, nil, false, fmt.Errorf("chunk of %d bytes cut short", size)
		}
		body = append(body, b[n:n+int(size)]...)
		n += int(size)
		if l, err := line(); err != nil || len(l) != 0 {
			return 0, nil, nil, false, fmt.Errorf("no line end after a chunk of %d bytes", size)
		}
	}
	for {
		l, err := line()
		if err != nil {
			return 0, nil, nil, false, errors.New("trailers not ended by an empty line")
		}
		if len(l) == 0 {
			return n, body, trailers, lfOnly, nil
		}
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			return 0, nil, nil, false, fmt.Errorf("%q is not a trailer line", l)
		}
		trailers = append(trailers, session.Header{Name: string(name), Value: string(bytes.TrimSpace(value))})
	}
}
