// Package body prepares message bodies for the detail pane without any UI
// toolkit: it undoes Content-Encoding, tells what a body is (text, JSON,
// XML, plist, image, binary), pretty-prints it and cuts it into display
// lines lazily, so a body of many megabytes opens at once.
package body

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"

	"ptth-inspector/session"
)

// MaxDecoded bounds how much a Content-Encoding may expand to for display
// (the captured bytes are never cut; the view says it stopped).
const MaxDecoded = 256 << 20

// Body is a message body ready to show.
type Body struct {
	Wire     []byte // payload as transferred, chunked framing removed
	Decoded  []byte // Wire with Content-Encoding undone (Wire itself when none)
	Encoding string // the Content-Encoding that was undone, "" when none
	Err      error  // why reading or decoding failed, if it did
}

// Load reads a message's body and undoes its Content-Encoding.
func Load(m *session.Message) Body {
	if m == nil {
		return Body{}
	}
	wire, err := m.Body()
	b := Body{Wire: wire, Decoded: wire, Err: err}
	enc := strings.ToLower(strings.TrimSpace(m.Header("Content-Encoding")))
	if enc == "" || enc == "identity" || len(wire) == 0 {
		return b
	}
	dec, derr := Decode(enc, wire)
	if derr != nil {
		b.Err = fmt.Errorf("cannot undo Content-Encoding %s: %w", enc, derr)
		return b
	}
	b.Decoded, b.Encoding = dec, enc
	return b
}

// Decode undoes one content coding: gzip, x-gzip, deflate (zlib-wrapped or
// raw) or br. A list such as "gzip, br" is undone right to left.
func Decode(enc string, b []byte) ([]byte, error) {
	codings := strings.Split(enc, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		var r io.Reader
		switch c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			r = zr
		case "deflate":
			if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
				r = zr
			} else {
				r = flate.NewReader(bytes.NewReader(b))
			}
		case "br":
			r = brotli.NewReader(bytes.NewReader(b))
		default:
			return nil, fmt.Errorf("unknown coding %q", c)
		}
		out, err := io.ReadAll(io.LimitReader(r, MaxDecoded+1))
		if err != nil {
			return nil, err
		}
		if len(out) > MaxDecoded {
			return nil, fmt.Errorf("expands beyond %d MiB", MaxDecoded>>20)
		}
		b = out
	}
	return b, nil
}
