package export

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Escape writes one wire line (without its line end) in transcript notation:
// printable UTF-8 and tab as they are, a backslash as \\, every other byte as \xNN.
func Escape(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '\\':
			out = append(out, '\\', '\\')
		case r == '\t' || (r != utf8.RuneError && unicode.IsPrint(r)):
			out = append(out, b[:n]...)
		case r == utf8.RuneError && n == 3: // U+FFFD written literally is printable
			out = append(out, b[:n]...)
		default:
			for _, c := range b[:n] {
				out = append(out, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
			}
		}
		b = b[n:]
	}
	return string(out)
}

// Unescape reverses Escape; it fails on a backslash that starts neither \\ nor \xNN.
func Unescape(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && s[i+1] == 'x':
			v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad escape %q at column %d", s[i:i+4], i+1)
			}
			out = append(out, byte(v))
			i += 3
		default:
			end := min(i+4, len(s))
			return nil, fmt.Errorf("bad escape %q at column %d (want \\\\ or \\xNN)", s[i:end], i+1)
		}
	}
	return out, nil
}
