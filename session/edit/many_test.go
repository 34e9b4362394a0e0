package edit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseManySeparated(t *testing.T) {
	file := "### first: a probe\n" +
		"GET /status HTTP/1.1\n" +
		"Host:\n" +
		"\n" +
		"### an event, no framing written\n" +
		"# a comment line\n" +
		"POST /event HTTP/1.1\n" +
		"Content-Type: text/plain\n" +
		"\n" +
		"line one\n" +
		"line two\n" +
		"\n" +
		"###\n" +
		"// another comment\n" +
		"PUT /x PTTH/1.0\r\n" +
		"\r\n" +
		"payload\r\n" +
		"###   trailing separator\n"
	reqs, err := ParseMany(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3: %+v", len(reqs), reqs)
	}
	if reqs[0].StartLine() != "GET /status HTTP/1.1" || reqs[0].Body != nil || !reqs[0].AutoLength {
		t.Errorf("first = %+v", reqs[0])
	}
	if string(reqs[1].Body) != "line one\nline two" || !reqs[1].AutoLength {
		t.Errorf("second body %q, AutoLength %v", reqs[1].Body, reqs[1].AutoLength)
	}
	if !bytes.HasSuffix(reqs[1].Bytes(), []byte("Content-Type: text/plain\r\nContent-Length: 17\r\n\r\nline one\nline two")) {
		t.Errorf("second bytes %q", reqs[1].Bytes())
	}
	if reqs[2].StartLine() != "PUT /x PTTH/1.0" || string(reqs[2].Body) != "payload" {
		t.Errorf("third = %+v", reqs[2])
	}
}

func TestParseManyConcatenated(t *testing.T) {
	chunked := "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"
	file := "GET /a HTTP/1.1\r\nHost: h\r\n\r\n" +
		"GET /b HTTP/1.1\r\n\r\n" +
		"POST /event HTTP/1.1\r\nContent-Length: 14\r\n\r\nGET / HTTP/1.1" +
		"\r\n" + chunked +
		"POST /last HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
	reqs, err := ParseMany(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, r := range reqs {
		targets = append(targets, r.Target)
	}
	if strings.Join(targets, " ") != "/a /b /event /c /last" {
		t.Fatalf("targets %q", targets)
	}
	// Content-Length wins over a body that looks like a request line.
	if string(reqs[2].Body) != "GET / HTTP/1.1" || !reqs[2].AutoLength {
		t.Errorf("framed body %q", reqs[2].Body)
	}
	if string(reqs[3].Bytes()) != chunked || reqs[3].AutoLength {
		t.Errorf("chunked request kept as %q, AutoLength %v", reqs[3].Bytes(), reqs[3].AutoLength)
	}
}

func TestParseManySingleUnframedBody(t *testing.T) {
	reqs, err := ParseMany(strings.NewReader("POST /x HTTP/1.1\nContent-Type: application/json\n\n{\"a\": 1}\n\n"))
	if err != nil || len(reqs) != 1 {
		t.Fatalf("%d requests, %v", len(reqs), err)
	}
	if string(reqs[0].Body) != `{"a": 1}` || reqs[0].Header("Content-Type") != "application/json" {
		t.Errorf("request %+v", reqs[0])
	}
}

func TestParseManyRoundTripsTemplates(t *testing.T) {
	var file bytes.Buffer
	ts := Templates()
	for _, tp := range ts {
		file.Write(tp.Request.Bytes())
	}
	reqs, err := ParseMany(&file)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != len(ts) {
		t.Fatalf("%d requests from %d templates", len(reqs), len(ts))
	}
	for i := range ts {
		if !reqs[i].Equal(ts[i].Request) {
			t.Errorf("%s: got %+v", ts[i].Name, reqs[i])
		}
	}
}

func TestParseManyErrors(t *testing.T) {
	cases := []struct {
		file string
		req  string
		line int
		msg  string
	}{
		{"GET / HTTP/1.1\n\n###\nPOST / HTTP/1.1\nContent-Length: 50\n\nshort\n", "request 2", 4, "Content-Length is 50 but only 6 bytes"},
		{"GET / HTTP/1.1\n\n\nnot a request\n", "request 1", 0, ""},
		{"GET / HTTP/1.1\nContent-Length: 0\n\nnonsense\n", "request 2", 4, "needs METHOD TARGET PROTO"},
		{"###\n\nGET / HTTP/1.1\nno colon here\n", "request 1", 4, "no colon"},
		{"POST / HTTP/1.1\nContent-Length: 2\nContent-Length: 3\n\nabc", "request 1", 1, "disagrees"},
		{"POST / HTTP/1.1\nTransfer-Encoding: gzip\n\nabc", "request 1", 1, "must end in chunked"},
		{"POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\r\n", "request 1", 1, "bad chunk size"},
	}
	for _, c := range cases {
		reqs, err := ParseMany(strings.NewReader(c.file))
		if c.line == 0 {
			// Unframed text that is not a request line is the body, from
			// right after the empty line.
			if err != nil || len(reqs) != 1 || string(reqs[0].Body) != "\nnot a request" {
				t.Errorf("%q: %+v, %v", c.file, reqs, err)
			}
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || !strings.Contains(err.Error(), c.req) || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: err = %v, want %s, line %d, %q", c.file, err, c.req, c.line, c.msg)
		}
	}
}

func TestChunkedLen(t *testing.T) {
	for _, c := range []struct {
		b    string
		want int
	}{
		{"0\r\n\r\nNEXT", 5},
		{"1\nx\n0\n\n", 7},
		{"a;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\nNEXT", 30},
		{"0\r\n", 3},
	} {
		if n, err := chunkedLen([]byte(c.b)); err != nil || n != c.want {
			t.Errorf("chunkedLen(%q) = %d, %v; want %d", c.b, n, err, c.want)
		}
	}
	for _, b := range []string{"", "5\r\nab", "2\r\nabX", "g\r\n"} {
		if _, err := chunkedLen([]byte(b)); err == nil {
			t.Errorf("chunkedLen(%q) accepted broken framing", b)
		}
	}
}
