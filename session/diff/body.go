package diff

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"ptth-inspector/session"
)

// BodyKind says how two bodies were compared.
type BodyKind uint8

// Kinds of body comparison.
const (
	BodyEmpty  BodyKind = iota // both bodies empty (or missing)
	BodyText                   // UTF-8 text, line by line
	BodyJSON                   // JSON on both sides, pretty-printed with sorted keys
	BodyBinary                 // at least one side is not text: hex-dump lines
)

// String returns "empty", "text", "json" or "binary".
func (k BodyKind) String() string {
	switch k {
	case BodyText:
		return "text"
	case BodyJSON:
		return "json"
	case BodyBinary:
		return "binary"
	}
	return "empty"
}

// MaxDecoded bounds a body after Content-Encoding is decoded; the rest is cut
// and a note says so.
const MaxDecoded = 64 << 20

// MaxHexDump bounds the bytes of each side that a binary comparison turns
// into hex-dump lines; larger bodies get only the offset and lengths.
const MaxHexDump = 64 << 10

// Body is the comparison of two message bodies.
type Body struct {
	Kind       BodyKind
	Same       bool     // the bodies are equal (for JSON: structurally)
	LenA, LenB int      // decoded lengths in bytes
	Offset     int      // binary: first differing byte offset, -1 when the same
	Lines      []Line   // line diff; hex-dump lines for binary bodies
	Inserted   int      // lines only in b
	Deleted    int      // lines only in a
	Notes      []string // decoding and formatting remarks, e.g. "a: gzip decoded"
}

// compareBodies decodes both bodies and compares them as JSON, text or binary.
func compareBodies(a, b *session.Message) Body {
	var d Body
	ba := decodedBody(a, "a", &d.Notes)
	bb := decodedBody(b, "b", &d.Notes)
	d.LenA, d.LenB, d.Offset = len(ba), len(bb), firstDiff(ba, bb)
	switch {
	case len(ba) == 0 && len(bb) == 0:
		d.Kind, d.Same = BodyEmpty, true
		return d
	case !isText(ba) || !isText(bb):
		d.Kind, d.Same = BodyBinary, d.Offset < 0
		if len(ba) > MaxHexDump || len(bb) > MaxHexDump {
			d.Notes = append(d.Notes, fmt.Sprintf("hex dump left out: bodies over %d bytes", MaxHexDump))
			return d
		}
		d.Lines, d.Inserted, d.Deleted = lineDiff(hexDump(ba), hexDump(bb))
		return d
	}
	ta, tb := string(ba), string(bb)
	d.Kind = BodyText
	if ja, ok := canonicalJSON(ba); ok {
		if jb, ok := canonicalJSON(bb); ok {
			d.Kind, ta, tb = BodyJSON, ja, jb
			if ja == jb && d.Offset >= 0 {
				d.Notes = append(d.Notes, "the bodies differ only in JSON key order or white space")
			}
		}
	}
	d.Same = ta == tb
	d.Lines, d.Inserted, d.Deleted = lineDiff(ta, tb)
	return d
}

// decodedBody returns m's payload with framing removed and Content-Encoding
// decoded, adding a note for anything worth knowing.
func decodedBody(m *session.Message, side string, notes *[]string) []byte {
	if m == nil {
		return nil
	}
	b, err := m.Body()
	if err != nil {
		*notes = append(*notes, fmt.Sprintf("%s: body: %v", side, err))
	}
	if m.Truncated {
		*notes = append(*notes, side+": body cut at the capture limit")
	}
	ce := strings.TrimSpace(m.Header("Content-Encoding"))
	if ce == "" || len(b) == 0 {
		return b
	}
	codings := strings.Split(ce, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		out, err := decode(c, b)
		switch {
		case err == errUnknownCoding:
			*notes = append(*notes, fmt.Sprintf("%s: content-encoding %q not decoded", side, c))
			return b
		case err != nil && len(out) == 0:
			*notes = append(*notes, fmt.Sprintf("%s: %s decoding failed (%v); compared as sent", side, c, err))
			return b
		case err != nil:
			*notes = append(*notes, fmt.Sprintf("%s: %s decoded in part: %v", side, c, err))
		default:
			if c != "identity" {
				*notes = append(*notes, fmt.Sprintf("%s: %s decoded", side, c))
			}
		}
		b = out
	}
	return b
}

var errUnknownCoding = fmt.Errorf("unknown content coding")

// decode undoes one content coding. deflate is zlib-wrapped per RFC 9110,
// but raw deflate streams occur too and are accepted.
func decode(coding string, b []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch coding {
	case "identity", "":
		return b, nil
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(b))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			r, err = flate.NewReader(bytes.NewReader(b)), nil
		}
	default:
		return nil, errUnknownCoding
	}
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxDecoded+1))
	if err == nil && len(out) > MaxDecoded {
		return out[:MaxDecoded], fmt.Errorf("decoded body cut at %d bytes", MaxDecoded)
	}
	return out, err
}

// isText reports whether b is UTF-8 without NUL bytes.
func isText(b []byte) bool {
	return utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}

// canonicalJSON pretty-prints a JSON body with sorted object keys, numbers
// kept as written.
func canonicalJSON(b []byte) (string, bool) {
	if len(bytes.TrimSpace(b)) == 0 || !json.Valid(b) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	var out strings.Builder
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", false
	}
	return out.String(), true
}

// firstDiff returns the first offset where a and b differ, or -1.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}

// hexDump renders b as lines of 16 bytes in the style of hexdump -C
// (session.HexLine, as the window's hex view shows them).
func hexDump(b []byte) string {
	var s strings.Builder
	for off := 0; off < len(b); off += 16 {
		s.WriteString(session.HexLine(b[off:min(off+16, len(b))], off))
		s.WriteByte('\n')
	}
	return s.String()
}
