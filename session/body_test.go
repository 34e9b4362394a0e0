package session

import (
	"bytes"
	"strings"
	"testing"
)

func TestDechunk(t *testing.T) {
	got, err := Dechunk([]byte("3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: y\r\n\r\n"))
	if err != nil || string(got) != "abcde" {
		t.Fatalf("Dechunk = %q, %v", got, err)
	}
	if got, err := Dechunk([]byte("5\r\nab")); err == nil || string(got) != "ab" {
		t.Fatalf("cut chunk: %q, %v", got, err)
	}
	if _, err := Dechunk([]byte("zz\r\n")); err == nil {
		t.Fatal("bad chunk size accepted")
	}
}

type readerAt struct{ b []byte }

func (r readerAt) ReadAt(p []byte, off int64) (int, error) { return copy(p, r.b[off:]), nil }

func TestMessageBodyFromRefAndChunks(t *testing.T) {
	raw := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nrdlr\r\n0\r\n\r\n")
	head := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	m := &Message{Proto: "HTTP/1.1", Status: 200, Reason: "OK", HeadLen: head, Chunked: true,
		Ref: &RawRef{R: readerAt{append([]byte("xx"), raw...)}, Off: 2, Len: int64(len(raw))}}
	if b, err := m.Body(); err != nil || string(b) != "rdlr" {
		t.Fatalf("Body() = %q, %v", b, err)
	}
	if m.StartLine() != "HTTP/1.1 200 OK" || m.IsRequest() {
		t.Fatalf("start line %q", m.StartLine())
	}
	m.HeadLen = -1
	if b, _ := m.Body(); b != nil {
		t.Fatalf("negative HeadLen gave %q", b)
	}
}

func TestHeaderAndNames(t *testing.T) {
	m := &Message{Method: "GET", Target: "/", Proto: "PTTH/1.0", Headers: []Header{{"accept", "a"}, {"Accept", "b"}}}
	if m.Header("ACCEPT") != "a" || m.StartLine() != "GET / PTTH/1.0" {
		t.Fatalf("Header/StartLine: %q %q", m.Header("ACCEPT"), m.StartLine())
	}
	names := []string{Forward.String(), Reverse.String(), HTTP.String(), PTTH.String(), COMET.String(),
		StateHTTP.String(), StateFlipped.String(), StateComet.String(), StateOpaque.String(), FromClient.Marker(), FromUpstream.Marker()}
	if strings.Join(names, " ") != "forward reverse http ptth comet http ptth-flipped comet opaque > <" {
		t.Fatalf("names %v", names)
	}
}

func TestWarningsLeaveOutInformationalHints(t *testing.T) {
	hs := []Hint{{Code: HintContentLengthOn101}, {Code: HintPaused}, {Code: HintAnswered}, {Code: HintUnparsed}}
	if n := Warnings(hs); n != 2 {
		t.Fatalf("Warnings = %d, want 2 (breakpoint and answered-by-inspector are information)", n)
	}
}
