package wire

import (
	"testing"

	"ptth-inspector/session"
)

const (
	cont100  = "HTTP/1.1 100 Continue\r\n\r\n"
	resp204  = "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
	resp304  = "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
	resp101  = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nContent-Length: 5\r\n\r\n"
	headResp = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	early    = "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	chunked  = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nExpires: never\r\n\r\n"
	noReason = "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"
	spaced   = "HTTP/1.0  404   Not  Found here \r\nContent-Length: 0\r\n\r\n"
)

// isHead stands for the dissector's NoBody: the 1000-byte response answers
// a HEAD request.
func isHead(m *session.Message) bool { return m.Header("Content-Length") == "1000" }

var responseCases = []tcase{
	{name: "200 with body", in: ok200, want: []want{{start: "HTTP/1.1 200 OK", body: "hi", bodyLen: 2, raw: ok200, off: 40}}},
	{name: "no reason phrase", in: noReason, want: []want{{start: "HTTP/1.1 200 ", raw: noReason, off: l(noReason)}}},
	{name: "odd spacing and reason with spaces", in: spaced, want: []want{{start: "HTTP/1.0 404 Not  Found here", off: l(spaced)}}},
	{name: "100 Continue then 200", in: cont100 + ok200, want: []want{
		{start: "HTTP/1.1 100 Continue", raw: cont100, off: l(cont100)},
		{raw: ok200, body: "hi", bodyLen: 2, off: l(cont100 + ok200)}}},
	{name: "102 and 103 then 200", in: early + ok200, want: []want{
		{start: "HTTP/1.1 102 Processing", off: 27}, {headers: hs{{Name: "Link", Value: "</a>"}}, off: l(early)},
		{raw: ok200, body: "hi", bodyLen: 2, off: l(early + ok200)}}},
	{name: "204 and 304 have no body despite Content-Length", in: resp204 + resp304 + ok200, want: []want{
		{raw: resp204, off: l(resp204)}, {raw: resp304, off: l(resp204 + resp304)},
		{raw: ok200, body: "hi", bodyLen: 2, off: l(resp204 + resp304 + ok200)}}},
	{name: "101 has no body despite Content-Length", in: resp101 + ok200, want: []want{
		{start: "HTTP/1.1 101 Switching Protocols", raw: resp101, off: l(resp101)},
		{raw: ok200, body: "hi", bodyLen: 2, off: l(resp101 + ok200)}}},
	{name: "HEAD response via NoBody", in: headResp + ok200, o: opts{noBody: isHead}, want: []want{
		{raw: headResp, off: l(headResp)}, {raw: ok200, body: "hi", bodyLen: 2, off: l(headResp + ok200)}}},
	{name: "read until close", in: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this\r\nuntil EOF", o: opts{close: true},
		want: []want{{body: "all of this\r\nuntil EOF", bodyLen: 22, off: 67}}},
	{name: "read until close without Close reports nothing", in: "HTTP/1.0 200 OK\r\n\r\nbody"},
	{name: "HTTP/1.0 without length reads until close", in: "HTTP/1.0 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", o: opts{close: true},
		want: []want{{start: "HTTP/1.0 200 OK", body: "HTTP/1.1 200 OK\r\n\r\n", bodyLen: 19, off: 38}}},
	{name: "coded but not chunked reads until close", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00\n\r\n",
		o: opts{close: true}, want: []want{{body: "\x1f\x8b\x08\x00\n\r\n", bodyLen: 7, off: 51}}},
	{name: "identity coding is no coding", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nhi" + ok200,
		want: []want{{body: "hi", bodyLen: 2, off: 69}, {raw: ok200, body: "hi", bodyLen: 2, off: 109}}},
	{name: "chunked with a trailer", in: chunked + ok200, want: []want{
		{chunked: true, body: "abc", bodyLen: 3, trailers: hs{{Name: "Expires", Value: "never"}}, raw: chunked, off: l(chunked)},
		{raw: ok200, body: "hi", bodyLen: 2, off: l(chunked + ok200)}}},
	{name: "empty line between responses", in: ok200 + "\r\n" + ok200, want: []want{
		{raw: ok200, body: "hi", bodyLen: 2, off: 40}, {raw: ok200, body: "hi", bodyLen: 2, off: 82}}},
	{name: "body cut short at Close", in: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", o: opts{close: true},
		want: []want{{what: "incomplete", body: "12345", bodyLen: 5, err: "5 of 10"}}},
	{name: "status line cut short at Close", in: "HTTP/1.1 20", o: opts{close: true},
		want: []want{{what: "incomplete", start: "HTTP/1.1 0 ", raw: "HTTP/1.1 20", err: "start line"}}},
}

var brokenResponseCases = []tcase{
	{name: "no version", in: "FOO 200 OK\r\n\r\n", want: []want{{what: "broken", err: "not an HTTP status line"}}},
	{name: "ICY", in: "ICY 200 OK\r\n\r\n", want: []want{{what: "broken", err: "not an HTTP status line"}}},
	{name: "no status code", in: "HTTP/1.1 OK\r\n\r\n", want: []want{{what: "broken", err: "no status code"}}},
	{name: "four-digit status", in: "HTTP/1.1 2000 OK\r\n\r\n", want: []want{{what: "broken", err: "no status code"}}},
	{name: "HTML after a response", in: ok200 + "<html><body>oops</body></html>", want: []want{
		{raw: ok200, body: "hi", bodyLen: 2, off: 40}, {what: "broken", off: 40, err: "not an HTTP status line"}}},
	{name: "request on a response stream", in: getReq, want: []want{{what: "broken", err: "not an HTTP status line"}}},
	{name: "bad Content-Length on a response", in: "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", want: []want{{what: "broken"}}},
}

func TestResponses(t *testing.T)       { runCases(t, responseCases, Responses) }
func TestBrokenResponses(t *testing.T) { runCases(t, brokenResponseCases, Responses) }

// TestNoBodyCalls checks that NoBody sees response heads that may have a
// body, before their body, and not 1xx, 204 or 304.
func TestNoBodyCalls(t *testing.T) {
	r, h := newRec(opts{kind: Responses, noBody: isHead})
	r.Feed([]byte(cont100+resp101+resp204+resp304+headResp+ok200), t0)
	if len(h.heads) != 2 || h.heads[0].Header("Content-Length") != "1000" || h.heads[1].Header("Content-Length") != "2" {
		t.Fatalf("NoBody saw %d heads: %v", len(h.heads), h.heads)
	}
	if h.heads[0].Status != 200 || h.heads[0].HeadLen != len(headResp) {
		t.Errorf("NoBody's message: Status %d HeadLen %d; want the parsed head", h.heads[0].Status, h.heads[0].HeadLen)
	}
	if len(h.events) != 6 {
		t.Fatalf("got %d messages, want 6: %v", len(h.events), h.events)
	}
	if r.Offset() != l(cont100+resp101+resp204+resp304+headResp+ok200) {
		t.Errorf("Offset %d after all messages", r.Offset())
	}
}
