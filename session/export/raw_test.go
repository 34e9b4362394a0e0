package export

import (
	"strings"
	"testing"
)

func TestRawRoundTrip(t *testing.T) {
	fx := fixture(t)
	text := render(t, Raw, fx, Options{})
	msgs, err := ParseRaw(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var want [][]byte
	for _, e := range fx.Exchanges() {
		if e.Request != nil {
			want = append(want, e.Request.Raw)
		}
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages back, want %d", len(msgs), len(want))
	}
	for i, m := range msgs {
		if string(m.Raw) != string(want[i]) {
			t.Errorf("request %d:\n got %q\nwant %q", i, m.Raw, want[i])
		}
	}
	if n := strings.Count(text, "\n"+RawDelimiter+" "); n != len(want)-1 || !strings.HasPrefix(text, RawDelimiter+" 1 forward ptth exchange ") {
		t.Fatalf("delimiters: %d, start %q", n, firstLine(text))
	}
}

func TestParseRawHandWritten(t *testing.T) {
	in := "### a comment\n\nPOST /a HTTP/1.1\nHost: x\nContent-Length: 9\n\n### body\n\n###\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\n\n###\nPUT /d HTTP/1.1\nHost: x\n\nfree text\nbody\n###\nHTTP/1.1 200 OK\nContent-Type: text/plain\n\nclose-delimited\n"
	msgs, err := ParseRaw(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n### body\n",
		"GET /b HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /c HTTP/1.1\r\n\r\n",
		"PUT /d HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\nfree text\nbody",
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nclose-delimited",
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d", len(msgs), len(want))
	}
	for i, m := range msgs {
		if string(m.Raw) != want[i] {
			t.Errorf("message %d:\n got %q\nwant %q", i, m.Raw, want[i])
		}
		if body, _ := m.Body(); int64(len(body)) != m.BodyLen || m.HeadLen > len(m.Raw) {
			t.Errorf("message %d: body %q, BodyLen %d, HeadLen %d", i, body, m.BodyLen, m.HeadLen)
		}
	}
	if msgs[3].Header("Content-Length") != "14" || msgs[4].Status != 200 || msgs[0].Method != "POST" {
		t.Fatalf("parsed fields wrong: %+v", msgs)
	}
}

func TestParseRawChunkedAndTruncated(t *testing.T) {
	in := "### 1\nPOST /c HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\nX-T: v\n\n### 2 forward http truncated\nPOST /t HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly this\n"
	msgs, err := ParseRaw(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := msgs[0].Body()
	if string(body) != "abc" || !msgs[0].Chunked || len(msgs[0].Trailers) != 1 || !strings.HasSuffix(string(msgs[0].Raw), "\r\n\r\n3\r\nabc\r\n0\r\nX-T: v\r\n\r\n") {
		t.Fatalf("chunked: %q %+v", msgs[0].Raw, msgs[0])
	}
	if b, _ := msgs[1].Body(); !msgs[1].Truncated || string(b) != "only this" {
		t.Fatalf("truncated: %q %v", b, msgs[1].Truncated)
	}
}

func TestParseRawErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"###\nGET /\n", "line 2: \"GET /\" is not a request line"},
		{"###\nGET / HTTP/1.1\nno colon here\n", "line 3: \"no colon here\" is not a header line"},
		{"###\nPOST / HTTP/1.1\nContent-Length: 50\n\nshort\n###\n", "line 5: Content-Length says 50 bytes but only 6 follow"},
		{"###\nPOST / HTTP/1.1\nContent-Length: 2\n\nlonger body\n", "line 5: unexpected text after the body"},
		{"###\nPOST / HTTP/1.1\nTransfer-Encoding: chunked\n\nzz\n", "line 5: chunked body: bad chunk size"},
	} {
		_, err := ParseRaw(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseRaw(%q) error %v, want %q", c.in, err, c.want)
		}
	}
}
