package body

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"howett.net/plist"

	"ptth-inspector/session"
	"ptth-inspector/session/export"
)

func encoded(t *testing.T, enc string, text string) []byte {
	var buf bytes.Buffer
	switch enc {
	case "gzip":
		w := gzip.NewWriter(&buf)
		w.Write([]byte(text))
		w.Close()
	case "deflate":
		w, _ := flate.NewWriter(&buf, flate.BestSpeed)
		w.Write([]byte(text))
		w.Close()
	case "br":
		w := brotli.NewWriter(&buf)
		w.Write([]byte(text))
		w.Close()
	}
	return buf.Bytes()
}

func TestLoadUndoesContentEncoding(t *testing.T) {
	for _, enc := range []string{"gzip", "deflate", "br"} {
		payload := encoded(t, enc, "rdlrow ,olleH")
		head := "HTTP/1.1 200 OK\r\nContent-Encoding: " + enc + "\r\n\r\n"
		m := &session.Message{Status: 200, Headers: []session.Header{{Name: "Content-Encoding", Value: enc}},
			Raw: append([]byte(head), payload...), HeadLen: len(head)}
		b := Load(m)
		if b.Err != nil || string(b.Decoded) != "rdlrow ,olleH" || b.Encoding != enc || !bytes.Equal(b.Wire, payload) {
			t.Errorf("%s: decoded %q (err %v), wire kept %v", enc, b.Decoded, b.Err, bytes.Equal(b.Wire, payload))
		}
	}
	bad := &session.Message{Headers: []session.Header{{Name: "Content-Encoding", Value: "gzip"}}, Raw: []byte("not gzip")}
	if b := Load(bad); b.Err == nil || string(b.Decoded) != "not gzip" {
		t.Errorf("broken gzip: err %v, decoded %q", b.Err, b.Decoded)
	}
}

func TestDetectAndPretty(t *testing.T) {
	airplay, err := os.ReadFile("../../proxy/testdata/airplay-reverse.transcript")
	if err != nil {
		t.Fatal(err)
	}
	var xmlPlist []byte
	for _, l := range strings.Split(string(airplay), "\n") {
		if strings.HasPrefix(l, "<<") || strings.HasPrefix(l, "<</") {
			xmlPlist = append(xmlPlist, l[1:]+"\n"...)
		}
	}
	binPlist, err := plist.Marshal(map[string]any{"category": "photo", "sessionID": 38}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	var pngBuf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.White)
	png.Encode(&pngBuf, img)

	cases := []struct {
		ct   string
		b    []byte
		kind Kind
		want string // in the pretty form
	}{
		{"application/json", []byte(`{"a":[1,2]}`), JSON, "  \"a\": [\n    1,"},
		{"", []byte(`{"a":1}`), JSON, "\"a\": 1"},
		{"text/x-apple-plist+xml", xmlPlist, Plist, "<key>category</key>"},
		{"application/octet-stream", binPlist, Plist, "<string>photo</string>"},
		{"text/xml", []byte(`<a><b>x</b></a>`), XML, "<a>\n  <b>x</b>\n</a>"},
		{"", pngBuf.Bytes(), Image, ""},
		{"text/plain", []byte("rdlrow ,olleH\r\n"), Text, "rdlrow"},
		{"", []byte{0, 1, 2, 0xff}, Binary, ""},
		{"", nil, Empty, ""},
	}
	for _, c := range cases {
		k := Detect(c.ct, c.b)
		if k != c.kind {
			t.Errorf("Detect(%q, %.20q) = %v, want %v", c.ct, c.b, k, c.kind)
			continue
		}
		out, err := Pretty(k, c.b)
		if err != nil || !strings.Contains(string(out), c.want) {
			t.Errorf("Pretty(%v) = %q, %v; want it to contain %q", k, out, err, c.want)
		}
	}
	// The seed's single-quoted COMET JSON is not JSON: it stays as it was.
	seed := []byte(`{'message-id': 'xxx'}`)
	if out, err := Pretty(JSON, seed); err == nil || !bytes.Equal(out, seed) {
		t.Errorf("single-quoted JSON: %q, %v", out, err)
	}
}

func TestTextLinesWrapAndIndex(t *testing.T) {
	long := strings.Repeat("é", WrapAt) // 2 bytes a rune: wraps on a rune boundary
	lines := NewTextLines([]byte("one\r\ntwo\n\n" + long + "\nlast"))
	var got []string
	for i := 0; i < lines.Len(); i++ {
		got = append(got, lines.Line(i))
	}
	if got[0] != "one" || got[1] != "two" || got[2] != "" || got[len(got)-1] != "last" {
		t.Errorf("lines = %q", got)
	}
	if strings.Join(got[3:len(got)-1], "") != long || len(got) != 6 {
		t.Errorf("long line split into %d rows: %q", len(got)-4, got[3:len(got)-1])
	}
	if NewTextLines(nil).Len() != 0 {
		t.Error("empty body should have no lines")
	}
	big := NewTextLines(bytes.Repeat([]byte("0123456789\n"), 1<<20))
	if big.Len() != 1<<20 || big.Line(1<<20-1) != "0123456789" {
		t.Errorf("11 MB body: %d lines", big.Len())
	}
}

func TestHexLines(t *testing.T) {
	h := HexLines([]byte("rdlrow ,olleH\x00\x01\xffXYZ"))
	if h.Len() != 2 {
		t.Fatalf("%d hex lines", h.Len())
	}
	want := "00000000  72 64 6c 72 6f 77 20 2c  6f 6c 6c 65 48 00 01 ff  |rdlrow ,olleH...|"
	if h.Line(0) != want {
		t.Errorf("line 0 = %q\nwant     %q", h.Line(0), want)
	}
	if !strings.HasPrefix(h.Line(1), "00000010  58 59 5a ") || !strings.HasSuffix(h.Line(1), "|XYZ|") {
		t.Errorf("line 1 = %q", h.Line(1))
	}
}

func TestJoinCountsAcrossParts(t *testing.T) {
	j := Join(StringLines{"a", "b"}, HexLines(nil), StringLines{"c"})
	if j.Len() != 3 || j.Line(0) != "a" || j.Line(2) != "c" || j.Line(3) != "" {
		t.Errorf("Join: %d lines, %q %q", j.Len(), j.Line(0), j.Line(2))
	}
}

func TestWireLinesGiveBackExactBytes(t *testing.T) {
	req := []byte("GET / HTTP/1.1\r\nHost: 127.0.0.1:65331\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\nrdlrow ,olleH\r\n\x00\\bin\n")
	w := NewWireLines(WireMessage{session.FromUpstream, req}, WireMessage{session.FromClient, resp})
	if w.Line(0) != "<GET / HTTP/1.1"+CRLFMark || w.Line(3) != ">HTTP/1.1 200 OK"+CRLFMark {
		t.Errorf("lines 0 and 3: %q, %q", w.Line(0), w.Line(3))
	}
	var back [2][]byte
	for i := 0; i < w.Len(); i++ {
		l := w.Line(i)
		side := 0
		if l[0] == '>' {
			side = 1
		}
		l = l[1:]
		end := ""
		for _, mark := range []struct{ m, b string }{{CRLFMark, "\r\n"}, {LFMark, "\n"}} {
			if strings.HasSuffix(l, mark.m) {
				l, end = strings.TrimSuffix(l, mark.m), mark.b
				break
			}
		}
		b, err := export.Unescape(l)
		if err != nil {
			t.Fatal(err)
		}
		back[side] = append(append(back[side], b...), end...)
	}
	if !bytes.Equal(back[0], req) || !bytes.Equal(back[1], resp) {
		t.Errorf("round trip:\n%q\n%q", back[0], back[1])
	}
}
