package session

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RawRef locates a message's wire bytes in a capture file that is not held
// in memory.
type RawRef struct {
	R   io.ReaderAt
	Off int64
	Len int64
}

// Wire returns the message's exact wire bytes, reading them from the capture
// file when they are not in memory.
func (m *Message) Wire() ([]byte, error) {
	if m.Raw != nil || m.Ref == nil {
		return m.Raw, nil
	}
	b := make([]byte, m.Ref.Len)
	if _, err := m.Ref.R.ReadAt(b, m.Ref.Off); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read message bytes at offset %d: %w", m.Ref.Off, err)
	}
	return b, nil
}

// Body returns the payload with transfer framing (chunked) removed and any
// content encoding left as it is.
func (m *Message) Body() ([]byte, error) {
	raw, err := m.Wire()
	if err != nil {
		return nil, err
	}
	if m.HeadLen < 0 || m.HeadLen > len(raw) {
		return nil, nil
	}
	b := raw[m.HeadLen:]
	if !m.Chunked {
		return b, nil
	}
	return Dechunk(b)
}

// Dechunk removes chunked transfer framing; it returns what it could decode
// and an error when the framing is broken or cut short.
func Dechunk(b []byte) ([]byte, error) {
	var out []byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return out, fmt.Errorf("chunk size line cut short")
		}
		line := bytes.TrimRight(b[:i], "\r")
		if j := bytes.IndexByte(line, ';'); j >= 0 {
			line = line[:j]
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 63)
		if err != nil {
			return out, fmt.Errorf("bad chunk size %q", line)
		}
		b = b[i+1:]
		if n == 0 {
			return out, nil
		}
		if uint64(len(b)) < n {
			return append(out, b...), fmt.Errorf("chunk cut short")
		}
		out = append(out, b[:n]...)
		b = b[n:]
		if len(b) > 0 && b[0] == '\r' {
			b = b[1:]
		}
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
	return out, nil
}

// HexLine formats up to 16 bytes found at offset off as one line of
// hexdump -C: offset, hex bytes in two groups of eight, printable ASCII.
func HexLine(row []byte, off int) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	sb.Grow(80)
	for shift := 28; shift >= 0; shift -= 4 {
		sb.WriteByte(digits[(off>>shift)&15])
	}
	sb.WriteString("  ")
	for j := 0; j < 16; j++ {
		if j == 8 {
			sb.WriteByte(' ')
		}
		if j < len(row) {
			sb.WriteByte(digits[row[j]>>4])
			sb.WriteByte(digits[row[j]&15])
			sb.WriteByte(' ')
		} else {
			sb.WriteString("   ")
		}
	}
	sb.WriteString(" |")
	for _, c := range row {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		sb.WriteByte(c)
	}
	sb.WriteByte('|')
	return sb.String()
}

// Interim returns the start lines of the interim (1xx) responses that came
// before this final response: the dissector keeps their bytes at the start
// of Raw, within HeadLen. Nil for requests and when there were none or the
// bytes are not in memory.
func (m *Message) Interim() []string {
	lines, _ := m.interim()
	return lines
}

// InterimLen returns how many bytes at the start of Raw are interim
// responses (see Interim).
func (m *Message) InterimLen() int {
	_, n := m.interim()
	return n
}

func (m *Message) interim() (lines []string, n int) {
	if m.IsRequest() || (m.Status >= 100 && m.Status < 200 && m.Status != 101) {
		return nil, 0
	}
	head := m.Raw[:min(max(m.HeadLen, 0), len(m.Raw))]
	for len(head) > 0 {
		line, _, _ := bytes.Cut(head, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		f := strings.Fields(string(line))
		if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") || len(f[1]) != 3 || f[1][0] != '1' || f[1] == "101" {
			return lines, n
		}
		end := bytes.Index(head, []byte("\n\r\n"))
		if e := bytes.Index(head, []byte("\n\n")); e >= 0 && (end < 0 || e < end) {
			end = e - 1
		}
		if end < 0 {
			return lines, n
		}
		lines = append(lines, string(line))
		n += end + 3
		head = head[end+3:]
	}
	return lines, n
}
