package session

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
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
