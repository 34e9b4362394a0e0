package diff

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

func compress(t *testing.T, coding, s string) string {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "raw-deflate":
		w, _ = flate.NewWriter(&buf, flate.BestSpeed)
	}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGzipBodyDecoded(t *testing.T) {
	plain := "hello\nworld\n"
	a := exch(t, getReq, respWith("200 OK", nil, plain))
	b := exch(t, getReq, respWith("200 OK", []string{"Content-Encoding: gzip"}, compress(t, "gzip", plain)))
	r := Compare(a, b, DefaultOptions())
	body := r.Response.Body
	if !body.Same || body.Kind != BodyText || body.LenA != len(plain) || body.LenB != len(plain) {
		t.Fatalf("body = %+v, want the same decoded text", body)
	}
	if len(body.Notes) != 1 || body.Notes[0] != "b: gzip decoded" {
		t.Errorf("notes = %q", body.Notes)
	}
	// Content-Encoding added, Content-Length changed; the body is the same.
	if got := r.Summary(); got != "2 headers differ (1 changed, 1 added)" {
		t.Errorf("Summary = %q", got)
	}

	c := exch(t, getReq, respWith("200 OK", []string{"Content-Encoding: gzip"}, compress(t, "gzip", "hello\nthere\n")))
	r = Compare(b, c, Options{Ignore: []string{"Content-Length"}})
	if got := r.Summary(); got != "body: +1 −1 lines" {
		t.Errorf("two gzip bodies: Summary = %q", got)
	}
}

func TestDeflateBodies(t *testing.T) {
	plain := `{"k":"v"}`
	for _, coding := range []string{"deflate", "raw-deflate"} {
		b := exch(t, getReq, respWith("200 OK", []string{"Content-Encoding: deflate"}, compress(t, coding, plain)))
		body := Compare(exch(t, getReq, respWith("200 OK", nil, plain)), b, DefaultOptions()).Response.Body
		if !body.Same || body.Kind != BodyJSON {
			t.Errorf("%s: body = %+v", coding, body)
		}
	}
}

func TestBrokenAndUnknownEncodings(t *testing.T) {
	a := exch(t, getReq, respWith("200 OK", []string{"Content-Encoding: gzip"}, "not gzip"))
	b := exch(t, getReq, respWith("200 OK", []string{"Content-Encoding: br"}, "not gzip"))
	body := Compare(a, b, DefaultOptions()).Response.Body
	if !body.Same || len(body.Notes) != 2 {
		t.Fatalf("body = %+v, want both compared as sent", body)
	}
	if !strings.HasPrefix(body.Notes[0], "a: gzip decoding failed") || body.Notes[1] != `b: content-encoding "br" not decoded` {
		t.Errorf("notes = %q", body.Notes)
	}
}

func TestBinaryBody(t *testing.T) {
	bin := make([]byte, 20)
	for i := range bin {
		bin[i] = byte(i * 13)
	}
	other := append(bytes.Clone(bin), 0xff)
	other[5] ^= 0x80
	a := exch(t, getReq, respWith("200 OK", nil, string(bin)))
	b := exch(t, getReq, respWith("200 OK", nil, string(other)))
	r := Compare(a, b, Options{Ignore: []string{"Content-Length"}})
	body := r.Response.Body
	if body.Kind != BodyBinary || body.Same || body.Offset != 5 {
		t.Fatalf("body = %+v, want binary differing at 5", body)
	}
	if got := r.Summary(); got != "body: binary, 20 vs 21 bytes, differ at offset 5" {
		t.Errorf("Summary = %q", got)
	}
	// 20 and 21 bytes are two hex-dump rows each; both rows differ.
	if body.Deleted != 2 || body.Inserted != 2 {
		t.Errorf("hex lines -%d +%d, want -2 +2", body.Deleted, body.Inserted)
	}
	if !strings.HasPrefix(body.Lines[0].Text, "00000000  00 0d 1a 27 34 41") {
		t.Errorf("first hex line = %q", body.Lines[0].Text)
	}
	same := Compare(a, a, DefaultOptions()).Response.Body
	if !same.Same || same.Offset != -1 || same.Kind != BodyBinary {
		t.Errorf("binary body against itself = %+v", same)
	}
}

func TestHexDumpLayout(t *testing.T) {
	got := hexDump([]byte("ABCDEFGHIJKLMNOPQ\x00"))
	want := "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n" +
		"00000010  51 00                                             |Q.|\n"
	if got != want {
		t.Errorf("hexDump =\n%s\nwant\n%s", got, want)
	}
}

func TestChunkedAgainstContentLength(t *testing.T) {
	a := exch(t, getReq, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
	b := exch(t, getReq, respWith("200 OK", nil, "abcde"))
	body := Compare(a, b, DefaultOptions()).Response.Body
	if !body.Same || body.LenA != 5 {
		t.Errorf("body = %+v, want the same 5 bytes", body)
	}
}

func TestMissingResponses(t *testing.T) {
	done := exch(t, getReq, respWith("200 OK", nil, "ok"))
	pending := exch(t, getReq, "")
	r := Compare(done, pending, DefaultOptions())
	if r.Equal() || r.Summary() != "response 200→pending" {
		t.Errorf("done vs pending: Equal %v, %q", r.Equal(), r.Summary())
	}
	if r.Response.B != nil || r.Response.AbsentB != "pending" || r.Response.StartKind() != Removed || len(r.Response.Headers) != 1 || r.Response.Headers[0].Kind != Removed {
		t.Errorf("response part = %+v", r.Response)
	}
	both := Compare(pending, exch(t, getReq, ""), DefaultOptions())
	if !both.Equal() || both.Summary() != "identical requests, no responses (pending)" {
		t.Errorf("both pending: Equal %v, %q", both.Equal(), both.Summary())
	}
	failed := exch(t, getReq, "")
	failed.Error = "connection reset"
	if got := Compare(failed, done, DefaultOptions()).Summary(); got != "response error: connection reset→200" {
		t.Errorf("failed vs done: %q", got)
	}
	if r := Compare(done, nil, DefaultOptions()); r.Equal() || r.Summary() != "request GET→no exchange, response 200→no exchange" {
		t.Errorf("against nil: %q", r.Summary())
	}
}

func TestLineDiffRebuildsRandomTexts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "b", "c", "d", "", "e\r"}
	gen := func() string {
		var s strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			s.WriteString(words[rng.IntN(len(words))])
			s.WriteByte('\n')
		}
		if rng.IntN(3) == 0 {
			s.WriteString("tail")
		}
		return s.String()
	}
	for i := 0; i < 500; i++ {
		a, b := gen(), gen()
		lines, ins, del := lineDiff(a, b)
		if rebuild(lines, false) != a || rebuild(lines, true) != b {
			t.Fatalf("%q vs %q: lines %+v do not rebuild", a, b, lines)
		}
		if got := len(lines) - ins - del; got != len(splitLines(a))-del {
			t.Fatalf("%q vs %q: %d equal lines", a, b, got)
		}
	}
}

// TestLineDiffPastSurrogates diffs more distinct lines than fit below the
// UTF-16 surrogate range, which the line-to-rune mapping must skip.
func TestLineDiffPastSurrogates(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&a, "line %d\n", i)
		if i == 58000 {
			b.WriteString("changed\n")
			continue
		}
		fmt.Fprintf(&b, "line %d\n", i)
	}
	lines, ins, del := lineDiff(a.String(), b.String())
	if ins != 1 || del != 1 {
		t.Fatalf("+%d -%d, want +1 -1", ins, del)
	}
	for _, l := range lines {
		if l.Op == Delete && l.Text != "line 58000" || l.Op == Insert && l.Text != "changed" {
			t.Errorf("changed line %+v", l)
		}
	}
	if rebuild(lines, false) != a.String() || rebuild(lines, true) != b.String() {
		t.Error("lines do not rebuild both texts")
	}
}
