package edit

import (
	"errors"
	"strings"
	"testing"
)

func TestParseLFAndCRLF(t *testing.T) {
	crlf := mustParse(t, "POST /event HTTP/1.1\r\nHost:\r\nContent-Length: 5\r\n\r\nhello")
	lf := mustParse(t, "POST /event HTTP/1.1\nHost:\nContent-Length: 5\n\nhello")
	if !crlf.Equal(lf) {
		t.Fatalf("CRLF %+v differs from LF %+v", crlf, lf)
	}
	if crlf.Method != "POST" || crlf.Target != "/event" || crlf.Proto != "HTTP/1.1" ||
		headerNames(crlf.Headers) != "Host,Content-Length" || string(crlf.Body) != "hello" || !crlf.AutoLength {
		t.Errorf("parsed %+v", crlf)
	}
	if got := string(lf.Bytes()); got != "POST /event HTTP/1.1\r\nHost:\r\nContent-Length: 5\r\n\r\nhello" {
		t.Errorf("LF text written as %q", got)
	}
}

func TestParseTolerance(t *testing.T) {
	r := mustParse(t, "\r\n\nGET\t /a  HTTP/1.1\nX-A:   one \t\nX-Fold: first\n  second\n\tthird\nX-Empty:\n")
	if r.Method != "GET" || r.Target != "/a" || r.Proto != "HTTP/1.1" {
		t.Errorf("start line %q", r.StartLine())
	}
	want := hdrs("X-A", "one", "X-Fold", "first second third", "X-Empty", "")
	if len(r.Headers) != len(want) {
		t.Fatalf("headers %v", r.Headers)
	}
	for i := range want {
		if r.Headers[i] != want[i] {
			t.Errorf("header %d = %+v, want %+v", i, r.Headers[i], want[i])
		}
	}
	if r.Body != nil || !r.AutoLength {
		t.Errorf("no empty line: body %q, AutoLength %v", r.Body, r.AutoLength)
	}
	short := mustParse(t, "GET /")
	if short.Target != "/" || short.Proto != "" || short.Headers != nil {
		t.Errorf("GET / = %+v", short)
	}
	spaced := mustParse(t, "GET /a b HTTP/1.1\n\n")
	if spaced.Target != "/a b" || spaced.Proto != "HTTP/1.1" {
		t.Errorf("target with a space = %+v", spaced)
	}
}

func TestParseBodyVerbatim(t *testing.T) {
	body := "line1\r\nline2\n\n\r\nend\x00\xff"
	r := mustParse(t, "PUT /x HTTP/1.1\r\nContent-Length: 3\r\n\r\n"+body)
	if string(r.Body) != body {
		t.Errorf("body = %q, want %q", r.Body, body)
	}
	// The headers do not frame the body: AutoLength is off and Bytes keeps
	// the wrong Content-Length on purpose.
	if r.AutoLength || !strings.Contains(string(r.Bytes()), "Content-Length: 3\r\n") {
		t.Errorf("AutoLength %v, bytes %q", r.AutoLength, r.Bytes())
	}
	r.AutoLength = true
	if !strings.Contains(string(r.Bytes()), "Content-Length: 21\r\n") {
		t.Errorf("AutoLength on: %q", r.Bytes())
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		raw  string
		line int
		msg  string
	}{
		{"", 1, "missing start line"},
		{"\r\n\n", 3, "missing start line"},
		{"Host: x\r\n\r\n", 1, "looks like a header"},
		{"\nHost: x\n", 2, "looks like a header"},
		{"GET\n", 1, "needs METHOD TARGET PROTO"},
		{"GET / HTTP/1.1\nHost: a\nBogus line\n\n", 3, `header line "Bogus line" has no colon`},
		{"GET / HTTP/1.1\r\n folded\r\n\r\n", 2, "continuation line"},
		{"GET / HTTP/1.1\r\n: v\r\n\r\n", 2, "no name before the colon"},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.raw))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error %v, want a *ParseError", c.raw, err)
			continue
		}
		if pe.Line != c.line || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("Parse(%q) = %v, want line %d mentioning %q", c.raw, err, c.line, c.msg)
		}
		if !strings.HasPrefix(err.Error(), "line ") {
			t.Errorf("error %q does not start with its line", err)
		}
	}
}

func TestParseLongLineQuotedShort(t *testing.T) {
	_, err := Parse([]byte("GET / HTTP/1.1\n" + strings.Repeat("x", 500) + "\n"))
	if err == nil || len(err.Error()) > 150 {
		t.Errorf("error = %v", err)
	}
}
