package wire

import (
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

// want is what a test expects of one event.
type want struct {
	what     string // "msg" (default), "incomplete" or "broken"
	start    string // StartLine(), when not ""
	headers  []session.Header
	trailers []session.Header
	body     string // Body() (errors ignored)
	bodyLen  int64
	raw      string // Raw, when not ""
	trunc    bool
	chunked  bool
	off      int64  // Offset() at the event, or Broken's offset
	err      string // substring of the error, when not ""

	first, last time.Time // First and Last; t0 when zero
}

// tcase is one table test: a stream, how to read it, what it gives.
type tcase struct {
	name string
	in   string
	o    opts
	want []want
}

type hs = []session.Header

const (
	getReq  = "GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"
	postReq = "POST /submit HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
	ok200   = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
)

var l = func(s string) int64 { return int64(len(s)) }

var requestCases = []tcase{
	{name: "get", in: getReq, want: []want{{start: "GET /index.html HTTP/1.1",
		headers: hs{{Name: "Host", Value: "example.com"}, {Name: "Accept", Value: "*/*"}}, raw: getReq, off: l(getReq)}}},
	{name: "post with Content-Length body", in: postReq, want: []want{{start: "POST /submit HTTP/1.1",
		body: "hello", bodyLen: 5, raw: postReq, off: l(postReq)}}},
	{name: "pipelined", in: getReq + postReq + getReq, want: []want{
		{raw: getReq, off: l(getReq)},
		{raw: postReq, body: "hello", bodyLen: 5, off: l(getReq + postReq)},
		{raw: getReq, off: l(getReq+postReq) + l(getReq)}}},
	{name: "LF-only", in: "POST /x HTTP/1.1\nHost: a\nContent-Length: 3\n\nabcGET / HTTP/1.0\n\n", want: []want{
		{start: "POST /x HTTP/1.1", headers: hs{{Name: "Host", Value: "a"}, {Name: "Content-Length", Value: "3"}},
			raw: "POST /x HTTP/1.1\nHost: a\nContent-Length: 3\n\nabc", body: "abc", bodyLen: 3, off: 47},
		{start: "GET / HTTP/1.0", off: 47 + 16}}},
	{name: "mixed line ends", in: "GET / HTTP/1.1\r\nA: 1\nB: 2\r\n\n", want: []want{
		{headers: hs{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, off: 28}}},
	{name: "empty lines before the request line", in: "\r\n\n\r\n" + getReq, want: []want{
		{raw: getReq, off: 5 + l(getReq)}}},
	{name: "odd spacing", in: "GET   /x \t HTTP/1.1  \r\n\r\n", want: []want{{start: "GET /x HTTP/1.1", off: 25}}},
	{name: "unknown protocols", in: "LIST /q PTTH/0.9\r\n\r\nBREW /pot HTCPCP/1.0\r\n\r\n", want: []want{
		{start: "LIST /q PTTH/0.9", off: 20}, {start: "BREW /pot HTCPCP/1.0", off: 44}}},
	{name: "target with a space", in: "GET /a b HTTP/1.1\r\n\r\n", want: []want{{start: "GET /a b HTTP/1.1", off: 21}}},
	{name: "obs-fold", in: "GET / HTTP/1.1\r\nX-Long: first\r\n  second\r\n\tthird\r\nY: y\r\n\r\n", want: []want{
		{headers: hs{{Name: "X-Long", Value: "first second third"}, {Name: "Y", Value: "y"}}, off: 57}}},
	{name: "header case and OWS kept as sent", in: "GET / HTTP/1.1\r\ncOnTeNt-TyPe:   text/plain \t\r\nx-EMPTY:\r\nHost:\r\n\r\n",
		want: []want{{headers: hs{{Name: "cOnTeNt-TyPe", Value: "text/plain"}, {Name: "x-EMPTY"}, {Name: "Host"}}, off: 65}}},
	{name: "line without a colon", in: "GET / HTTP/1.1\r\nNoColonHere\r\nA: b\r\n\r\n", want: []want{
		{headers: hs{{Name: "NoColonHere"}, {Name: "A", Value: "b"}}, off: 37}}},
	{name: "request without length has no body", in: "POST /x HTTP/1.1\r\nHost: a\r\n\r\n" + getReq, want: []want{
		{start: "POST /x HTTP/1.1", off: 29}, {raw: getReq, off: 29 + l(getReq)}}},
	{name: "chunked with extensions and trailers",
		in: "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\n6\r\n world\r\n0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n  2\r\n\r\n",
		want: []want{{chunked: true, body: "hello world", bodyLen: 11,
			trailers: hs{{Name: "X-Checksum", Value: "abc"}, {Name: "X-Other", Value: "1 2"}}, off: 123}}},
	{name: "chunked is the last coding, any case",
		in:   "PUT / HTTP/1.1\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
		want: []want{{chunked: true, body: "0123456789", bodyLen: 10, off: 72}}},
	{name: "chunked wins over Content-Length",
		in:   "PUT / HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		want: []want{{chunked: true, body: "ok", bodyLen: 2, off: 79}}},
	{name: "chunked with LF-only lines", in: "PUT / HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n" + getReq,
		want: []want{{chunked: true, body: "abc", bodyLen: 3, off: 52}, {raw: getReq, off: 52 + l(getReq)}}},
	{name: "equal Content-Length values", in: "PUT / HTTP/1.1\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\nabc",
		want: []want{{body: "abc", bodyLen: 3, off: 62}}},
	{name: "Close after a complete message and an empty line", in: getReq + "\r\n", o: opts{close: true},
		want: []want{{raw: getReq, off: l(getReq)}}},
	{name: "head cut short at Close", in: "GET /path HTTP/1.1\r\nHost: a\r\nAcc", o: opts{close: true}, want: []want{
		{what: "incomplete", start: "GET /path HTTP/1.1", headers: hs{{Name: "Host", Value: "a"}},
			raw: "GET /path HTTP/1.1\r\nHost: a\r\nAcc", err: "head"}}},
	{name: "start line cut short at Close", in: getReq + "\r\nGET /pa", o: opts{close: true}, want: []want{
		{raw: getReq, off: l(getReq)}, {what: "incomplete", start: "GET /pa ", raw: "GET /pa", err: "start line", off: l(getReq) + 2}}},
	{name: "body cut short at Close", in: "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabcd", o: opts{close: true},
		want: []want{{what: "incomplete", body: "abcd", bodyLen: 4, err: "4 of 10"}}},
	{name: "chunked body cut short at Close", in: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", o: opts{close: true},
		want: []want{{what: "incomplete", chunked: true, body: "hel", bodyLen: 3, err: "short"}}},
	{name: "chunk-size line cut short at Close", in: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1", o: opts{close: true},
		want: []want{{what: "incomplete", chunked: true, body: "ab", bodyLen: 2, err: "no last chunk",
			raw: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1"}}},
}

var brokenRequestCases = []tcase{
	{name: "conflicting Content-Length", in: "PUT / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
		want: []want{{what: "broken", err: "conflicting"}}},
	{name: "bad Content-Length", in: getReq + "PUT / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", want: []want{
		{off: l(getReq)}, {what: "broken", off: l(getReq), err: "Content-Length"}}},
	{name: "negative Content-Length", in: "PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", want: []want{{what: "broken"}}},
	{name: "request coded but not chunked", in: "PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", want: []want{{what: "broken"}}},
	{name: "TLS handshake", in: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", want: []want{{what: "broken", err: "not an HTTP request line"}}},
	{name: "HTTP/0.9 request line", in: "GET /\r\n", want: []want{{what: "broken", err: "no HTTP version"}}},
	{name: "two words", in: "hello world\r\n\r\n", want: []want{{what: "broken"}}},
	{name: "JSON", in: "{'message-id': 'x'}\n", want: []want{{what: "broken", err: "not an HTTP request line"}}},
	{name: "no space within the first bytes", in: strings.Repeat("A", 40), want: []want{{what: "broken"}}},
	{name: "NUL in a header line", in: getReq + "GET / HTTP/1.1\r\nA: \x00\r\n\r\n", want: []want{
		{off: l(getReq)}, {what: "broken", off: l(getReq), err: "NUL", raw: ""}}},
	{name: "control byte in the request line", in: "GET /\x01 HTTP/1.1\r\n\r\n", want: []want{{what: "broken", err: "control byte"}}},
	{name: "bad chunk size", in: "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", want: []want{{what: "broken", err: "chunk size"}}},
	{name: "chunk data without line end", in: "PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
		want: []want{{what: "broken", err: "not a line end"}}},
	{name: "garbage after a message", in: getReq + "\x00\x01\x02" + getReq, want: []want{
		{off: l(getReq)}, {what: "broken", off: l(getReq)}}},
}

var limitCases = []tcase{
	{name: "huge header line", o: opts{lim: Limits{MaxLine: 64}},
		in: "POST / HTTP/1.1\r\nX-Big: " + strings.Repeat("a", 200) + "\r\nContent-Length: 2\r\n\r\nok" + getReq,
		want: []want{{trunc: true, body: "ok", bodyLen: 2, off: 17 + 209 + 19 + 2 + 2,
			raw:     "POST / HTTP/1.1\r\nX-Big: " + strings.Repeat("a", 57) + "\r\nContent-Length: 2\r\n\r\nok",
			headers: hs{{Name: "X-Big", Value: strings.Repeat("a", 57)}, {Name: "Content-Length", Value: "2"}}},
			{raw: getReq, off: 249 + l(getReq)}}},
	{name: "huge LF-only header line", o: opts{lim: Limits{MaxLine: 64}},
		in:   "GET / HTTP/1.1\nX-Big: " + strings.Repeat("b", 100) + "\nA: 1\n\n",
		want: []want{{trunc: true, raw: "GET / HTTP/1.1\nX-Big: " + strings.Repeat("b", 57) + "\nA: 1\n\n", off: 15 + 108 + 5 + 1}}},
	{name: "line one byte over the limit", o: opts{lim: Limits{MaxLine: 64}},
		in:   "GET / HTTP/1.1\r\nX: " + strings.Repeat("c", 62) + "\r\n\r\n",
		want: []want{{trunc: true, raw: "GET / HTTP/1.1\r\nX: " + strings.Repeat("c", 61) + "\r\n\r\n", off: 85}}},
	{name: "line at the limit", o: opts{lim: Limits{MaxLine: 64}},
		in:   "GET / HTTP/1.1\r\nX: " + strings.Repeat("c", 61) + "\r\n\r\n",
		want: []want{{raw: "GET / HTTP/1.1\r\nX: " + strings.Repeat("c", 61) + "\r\n\r\n", off: 84}}},
	{name: "huge request line", o: opts{lim: Limits{MaxLine: 64}},
		in:   "GET /" + strings.Repeat("p", 300) + " HTTP/1.1\r\nHost: h\r\n\r\n",
		want: []want{{trunc: true, start: "GET /" + strings.Repeat("p", 59) + " HTTP/1.1", off: 316 + 9 + 2}}},
	{name: "body beyond MaxBody", o: opts{lim: Limits{MaxBody: 4}},
		in:   "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789" + getReq,
		want: []want{{trunc: true, body: "0123", bodyLen: 10, off: 49}, {raw: getReq, off: 49 + l(getReq)}}},
	{name: "chunked body beyond MaxBody", o: opts{lim: Limits{MaxBody: 8}},
		in:   "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nefgh\r\n0\r\nT: 1\r\n\r\n",
		want: []want{{trunc: true, chunked: true, body: "abcd", bodyLen: 8, trailers: hs{{Name: "T", Value: "1"}}, off: 76}}},
	{name: "head beyond MaxHeaderBytes", o: opts{lim: Limits{MaxHeaderBytes: 100}},
		in:   "GET / HTTP/1.1\r\n" + strings.Repeat("Header-Line: 12345\r\n", 10) + "\r\n",
		want: []want{{what: "broken", err: "head longer than 100"}}},
}

func TestRequests(t *testing.T)       { runCases(t, requestCases, Requests) }
func TestBrokenRequests(t *testing.T) { runCases(t, brokenRequestCases, Requests) }
func TestLimits(t *testing.T)         { runCases(t, limitCases, Requests) }

// runCases runs each case whole, one byte at a time and in odd pieces;
// all runs must agree, and the whole run must give what the case wants.
func runCases(t *testing.T, cases []tcase, k Kind) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.o.kind = k
			in := []byte(c.in)
			whole := run(c.o, in)
			for _, sizes := range [][]int{{1}, {2}, {3, 1, 7}, {5, 64}} {
				sameEvents(t, "pieces", whole, run(c.o, in, sizes...))
			}
			checkInvariants(t, in, c.o, whole)
			checkWant(t, whole, c.want)
		})
	}
}

// checkWant compares events with what a case wants.
func checkWant(t *testing.T, evs []event, ws []want) {
	t.Helper()
	if len(evs) != len(ws) {
		t.Fatalf("got %d events, want %d: %v", len(evs), len(ws), evs)
	}
	for i, w := range ws {
		e := evs[i]
		if w.what == "" {
			w.what = "msg"
		}
		if e.what != w.what || e.off != w.off || !strings.Contains(e.err, w.err) {
			t.Fatalf("event %d = %v, want %s off=%d err~%q", i, e, w.what, w.off, w.err)
		}
		if e.m == nil {
			continue
		}
		m := e.m
		body, _ := m.Body()
		switch {
		case w.start != "" && m.StartLine() != w.start:
			t.Errorf("event %d: start line %q, want %q", i, m.StartLine(), w.start)
		case w.headers != nil && !equalHeaders(m.Headers, w.headers):
			t.Errorf("event %d: headers %q, want %q", i, m.Headers, w.headers)
		case w.trailers != nil && !equalHeaders(m.Trailers, w.trailers):
			t.Errorf("event %d: trailers %q, want %q", i, m.Trailers, w.trailers)
		case w.raw != "" && string(m.Raw) != w.raw:
			t.Errorf("event %d: raw %q, want %q", i, m.Raw, w.raw)
		case string(body) != w.body || m.BodyLen != w.bodyLen:
			t.Errorf("event %d: body %q (BodyLen %d), want %q (%d)", i, body, m.BodyLen, w.body, w.bodyLen)
		case m.Truncated != w.trunc || m.Chunked != w.chunked:
			t.Errorf("event %d: Truncated %v Chunked %v, want %v %v", i, m.Truncated, m.Chunked, w.trunc, w.chunked)
		case !m.First.Equal(or(w.first, t0)) || !m.Last.Equal(or(w.last, t0)):
			t.Errorf("event %d: First %v Last %v, want %v %v", i, m.First, m.Last, or(w.first, t0), or(w.last, t0))
		}
	}
}

func or(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func equalHeaders(a, b []session.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
