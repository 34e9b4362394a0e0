package edit

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"ptth-inspector/session"
)

func hdrs(kv ...string) []session.Header {
	var hs []session.Header
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, session.Header{Name: kv[i], Value: kv[i+1]})
	}
	return hs
}

func TestBytesLayout(t *testing.T) {
	r := Request{Method: "POST", Target: "/x", Proto: "HTTP/1.1",
		Headers: hdrs("Host", "", "x-Case", "KeepMe"), Body: []byte("hello"), AutoLength: true}
	want := "POST /x HTTP/1.1\r\nHost:\r\nx-Case: KeepMe\r\nContent-Length: 5\r\n\r\nhello"
	if got := string(r.Bytes()); got != want {
		t.Errorf("Bytes = %q, want %q", got, want)
	}
	r.Proto = ""
	if got := string(r.Bytes()); !strings.HasPrefix(got, "POST /x\r\n") {
		t.Errorf("no proto: %q", got)
	}
}

func TestAutoLengthFixesFraming(t *testing.T) {
	r := Request{Method: "POST", Target: "/", Proto: "HTTP/1.1", Body: []byte("abc"), AutoLength: true,
		Headers: hdrs("A", "1", "content-length", "99", "Transfer-Encoding", "chunked", "B", "2", "Content-Length", "7")}
	if got := headerNames(r.WireHeaders()); got != "A,content-length,B" {
		t.Fatalf("wire headers = %s", got)
	}
	if v := r.WireHeaders()[1].Value; v != "3" {
		t.Errorf("Content-Length = %q, want 3", v)
	}
	if !bytes.Contains(r.Bytes(), []byte("\r\ncontent-length: 3\r\nB: 2\r\n\r\nabc")) {
		t.Errorf("Bytes = %q", r.Bytes())
	}

	r.AutoLength = false
	if got := string(r.Bytes()); !strings.Contains(got, "content-length: 99\r\nTransfer-Encoding: chunked\r\nB: 2\r\nContent-Length: 7\r\n") {
		t.Errorf("AutoLength off changed the headers: %q", got)
	}

	empty := Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", AutoLength: true}
	if got := string(empty.Bytes()); got != "GET / HTTP/1.1\r\n\r\n" {
		t.Errorf("empty body got a Content-Length: %q", got)
	}
	empty.Headers = hdrs("Content-Length", "12")
	if got := string(empty.Bytes()); got != "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n" {
		t.Errorf("stale Content-Length on empty body: %q", got)
	}
}

func TestFramingOK(t *testing.T) {
	cases := []struct {
		hs   []session.Header
		body string
		want bool
	}{
		{nil, "", true},
		{nil, "x", false},
		{hdrs("Content-Length", "1"), "x", true},
		{hdrs("Content-Length", "01"), "x", false},
		{hdrs("Content-Length", "1", "Content-Length", "1"), "x", false},
		{hdrs("Content-Length", "0"), "", true},
		{hdrs("Transfer-Encoding", "chunked"), "0\r\n\r\n", false},
	}
	for _, c := range cases {
		r := Request{Headers: c.hs, Body: []byte(c.body), AutoLength: true}
		if got := r.FramingOK(); got != c.want {
			t.Errorf("FramingOK(%v, %q) = %v", c.hs, c.body, got)
		}
		// FramingOK means exactly: AutoLength would leave the headers alone.
		if same := slices.Equal(r.WireHeaders(), c.hs); same != c.want {
			t.Errorf("%v, %q: AutoLength keeps headers %v, FramingOK %v", c.hs, c.body, same, c.want)
		}
	}
}

func TestMessageView(t *testing.T) {
	r := Request{Method: "POST", Target: "/event", Proto: "PTTH/1.0",
		Headers: hdrs("Host", ""), Body: []byte("a\r\nb"), AutoLength: true}
	m := r.Message()
	if !bytes.Equal(m.Raw, r.Bytes()) || !m.IsRequest() || m.StartLine() != "POST /event PTTH/1.0" {
		t.Fatalf("message = %+v", m)
	}
	body, err := m.Body()
	if err != nil || string(body) != "a\r\nb" || m.BodyLen != 4 || m.Chunked {
		t.Errorf("body %q (%v), BodyLen %d, chunked %v", body, err, m.BodyLen, m.Chunked)
	}
	if m.Header("Content-Length") != "4" || string(m.Raw[m.HeadLen-4:m.HeadLen]) != "\r\n\r\n" {
		t.Errorf("headers %v, head ends %q", m.Headers, m.Raw[:m.HeadLen])
	}

	ch := Request{Method: "POST", Target: "/", Proto: "HTTP/1.1",
		Headers: hdrs("Transfer-Encoding", "chunked"), Body: []byte("3\r\nabc\r\n0\r\n\r\n")}
	cm := ch.Message()
	if body, _ := cm.Body(); !cm.Chunked || cm.BodyLen != 3 || string(body) != "abc" {
		t.Errorf("chunked view: chunked %v, BodyLen %d, body %q", cm.Chunked, cm.BodyLen, body)
	}
}

// randomRequest makes a request Bytes and Parse can carry: tokens without
// white space, values without surrounding white space or LF, any body.
func randomRequest(rng *rand.Rand) Request {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	r := Request{
		Method: pick("GET", "POST", "PUT", "M-SEARCH"),
		Target: pick("/", "/event", "*", "http://h:1/a?b=c", "/a%20b"),
		Proto:  pick("HTTP/1.1", "HTTP/1.0", "PTTH/1.0", "PTTH/0.9", ""),
	}
	for n := rng.IntN(5); n > 0; n-- {
		r.Headers = append(r.Headers, session.Header{
			Name:  pick("Host", "X-A", "content-length", "Transfer-Encoding", "a b"),
			Value: pick("", "1", "v a l", "a:b", "\x01é", "chunked"),
		})
	}
	body := make([]byte, rng.IntN(3)*rng.IntN(40))
	for i := range body {
		body[i] = pick("a", "\r", "\n", "\x00", "\xff", ":")[0]
	}
	r.Body = body
	if rng.IntN(2) == 0 {
		r.AutoLength = true
		r.Headers = r.WireHeaders()
	}
	r.AutoLength = r.FramingOK()
	return r
}

func TestParseBytesRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 2000; i++ {
		r := randomRequest(rng)
		got, err := Parse(r.Bytes())
		if err != nil {
			t.Fatalf("Parse(%q): %v", r.Bytes(), err)
		}
		if !got.Equal(r) {
			t.Fatalf("round trip of %q:\n got %+v\nwant %+v", r.Bytes(), got, r)
		}
	}
}

func TestCloneSharesNothing(t *testing.T) {
	r := Request{Headers: hdrs("A", "1"), Body: []byte("x")}
	c := r.Clone()
	c.Headers[0].Value, c.Body[0] = "2", 'y'
	if r.Headers[0].Value != "1" || r.Body[0] != 'x' {
		t.Error("Clone shares slices with the original")
	}
}
