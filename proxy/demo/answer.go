package demo

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
)

// answer is a client's local answer to one reversed request.
type answer struct {
	status int
	header [][2]string
	body   []byte // the body a GET would get; left off the wire for HEAD
	head   bool   // the request was HEAD
}

// answerer computes the clients' answers; it is shared by RunClient and RunCometClient.
type answerer struct {
	filler []byte // non-nil when every 200 answer carries a fixed-size body
}

// newAnswerer prepares an answerer; size > 0 makes 200 answers size bytes long.
func newAnswerer(size int) *answerer {
	a := &answerer{}
	if size > 0 {
		pattern := []byte("ptth-inspector demo body 0123456789\n")
		a.filler = bytes.Repeat(pattern, size/len(pattern)+1)[:size]
	}
	return a
}

// answer handles one reversed request: /status and / give 200 text, /event
// 200 with an empty body, a chunked body 200 echoing its length, HEAD the
// GET answer without body, anything else (such as /missing) 404.
func (a *answerer) answer(method, uri string, body []byte, chunked bool) answer {
	path := uri
	if u, err := url.ParseRequestURI(uri); err == nil {
		path = u.Path
	}
	text := [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}
	ans := answer{status: http.StatusOK, head: method == http.MethodHead}
	switch {
	case chunked:
		ans.header, ans.body = text, fmt.Appendf(nil, "received %d bytes\n", len(body))
	case path == "/status":
		ans.header, ans.body = text, []byte("ok "+uri+"\n")
	case path == "/":
		ans.header, ans.body = text, []byte("rdlrow ,olleH\n")
	case path == "/event":
	default:
		ans.status, ans.header, ans.body = http.StatusNotFound, text, []byte("not found\n")
	}
	if ans.status == http.StatusOK && a.filler != nil {
		ans.header = [][2]string{{"Content-Type", "application/octet-stream"}}
		ans.body = a.filler
	}
	return ans
}

// bytes formats ans for a flipped socket, adding Connection: close if asked.
func (ans answer) bytes(close bool) []byte {
	h := ans.header
	if close {
		h = append(h[:len(h):len(h)], [2]string{"Connection", "close"})
	}
	return formatResponse(ans.status, h, ans.body, ans.head)
}

// reply turns ans into the COMET JSON reply to the event with message-id id.
func (ans answer) reply(id string) Reply {
	r := Reply{MessageID: id, HTTPVersion: "PTTH/1.0", Status: ans.status,
		Reason: http.StatusText(ans.status), Headers: ans.header}
	if r.Headers == nil {
		r.Headers = [][2]string{}
	}
	if !ans.head {
		r.Body = string(ans.body)
	}
	return r
}
