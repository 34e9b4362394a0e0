package body

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"howett.net/plist"
)

// Kind is how a body is best shown.
type Kind uint8

// Body kinds, in the order the viewer offers them.
const (
	Empty Kind = iota
	Text
	JSON
	XML
	Plist // Apple property list, XML or binary, shown as XML
	Image
	Binary
)

// Kinds lists every kind a person may pick, by name.
var Kinds = []Kind{Text, JSON, XML, Plist, Image, Binary}

// String names the kind for the viewer's mode picker.
func (k Kind) String() string {
	return [...]string{"empty", "text", "JSON", "XML", "plist", "image", "hex"}[k]
}

// Detect tells the kind from the Content-Type and the first bytes.
func Detect(contentType string, b []byte) Kind {
	if len(b) == 0 {
		return Empty
	}
	ct := strings.ToLower(contentType)
	head := b[:min(len(b), 512)]
	switch {
	case bytes.HasPrefix(b, []byte("bplist0")) || strings.Contains(ct, "plist"):
		return Plist
	case strings.HasPrefix(ct, "image/"):
		return Image
	case strings.Contains(ct, "json"):
		return JSON
	case strings.Contains(ct, "xml"):
		if bytes.Contains(head, []byte("<plist")) {
			return Plist
		}
		return XML
	}
	if strings.HasPrefix(http.DetectContentType(head), "image/") {
		return Image
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("<?xml")) || bytes.HasPrefix(trimmed, []byte("<!DOCTYPE plist")):
		if bytes.Contains(head, []byte("<plist")) {
			return Plist
		}
		return XML
	case (bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("["))) && json.Valid(b):
		return JSON
	}
	if looksText(head) {
		return Text
	}
	return Binary
}

// looksText reports whether b is valid UTF-8 without control bytes other
// than tab, CR, LF and form feed (a cut rune at the end is allowed).
func looksText(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return len(b)-i < utf8.UTFMax && len(b) == 512
		}
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' && r != '\f' {
			return false
		}
		i += n
	}
	return true
}

// Pretty renders b as kind for reading: JSON indented, XML indented, a
// plist (XML or binary) as indented plist XML. It returns b unchanged with
// an error when b is not what kind says.
func Pretty(kind Kind, b []byte) ([]byte, error) {
	switch kind {
	case JSON:
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return b, err
		}
		return out.Bytes(), nil
	case XML:
		return prettyXML(b)
	case Plist:
		var v any
		if _, err := plist.Unmarshal(b, &v); err != nil {
			return b, err
		}
		out, err := plist.MarshalIndent(v, plist.XMLFormat, "  ")
		if err != nil {
			return b, err
		}
		return out, nil
	}
	return b, nil
}

func prettyXML(b []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	var out bytes.Buffer
	enc := xml.NewEncoder(&out)
	enc.Indent("", "  ")
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return b, err
		}
		if cd, ok := tok.(xml.CharData); ok && len(bytes.TrimSpace(cd)) == 0 {
			continue
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return b, err
		}
	}
	if err := enc.Flush(); err != nil {
		return b, err
	}
	return out.Bytes(), nil
}
