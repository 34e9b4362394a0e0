package comet

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"ptth-inspector/session"
)

func TestEventRequestView(t *testing.T) {
	e := seedEvent
	e.Body = []byte("ping")
	m := e.Request()
	head := "GET / PTTH/1.0\r\nHost: 127.0.0.1:65331\r\nAccept-Encoding: identity\r\nAccept: text/plain;q=1,*/*;q=0\r\n\r\n"
	if string(m.Raw) != head+"ping" || m.HeadLen != len(head) || m.BodyLen != 4 {
		t.Fatalf("Raw %q HeadLen %d BodyLen %d, want %q, %d, 4", m.Raw, m.HeadLen, m.BodyLen, head+"ping", len(head))
	}
	if !m.IsRequest() || m.Method != "GET" || m.Target != "/" || m.Proto != "PTTH/1.0" || m.StartLine() != "GET / PTTH/1.0" {
		t.Errorf("request view fields = %+v", m)
	}
	if m.Header("accept-encoding") != "identity" || !reflect.DeepEqual(m.Headers, e.Headers) {
		t.Errorf("headers = %+v", m.Headers)
	}
	body, err := m.Body()
	if err != nil || !bytes.Equal(body, e.Body) {
		t.Errorf("Body() = %q, %v; want %q", body, err, e.Body)
	}
	m.Headers[0].Value = "changed"
	if e.Headers[0].Value == "changed" {
		t.Error("the view shares its header slice with the event")
	}
}

func TestSeedEventViewHasEmptyBody(t *testing.T) {
	m := seedEvent.Request()
	body, err := m.Body()
	if err != nil || len(body) != 0 || m.BodyLen != 0 || m.HeadLen != len(m.Raw) {
		t.Errorf("seed event view: body %q, BodyLen %d, HeadLen %d of %d", body, m.BodyLen, m.HeadLen, len(m.Raw))
	}
}

func TestReplyResponseView(t *testing.T) {
	m := seedReply.Response()
	head := "PTTH/1.0 200 OK\r\nContent-type: text/plain\r\nDate: Tue, 13 May 2008 20:14:45 GMT\r\n\r\n"
	if string(m.Raw) != head+"rdlrow ,olleH" || m.HeadLen != len(head) || m.BodyLen != 13 {
		t.Fatalf("Raw %q HeadLen %d BodyLen %d", m.Raw, m.HeadLen, m.BodyLen)
	}
	if m.IsRequest() || m.Status != 200 || m.Reason != "OK" || m.StartLine() != "PTTH/1.0 200 OK" || m.Header("content-type") != "text/plain" {
		t.Errorf("response view fields = %+v", m)
	}
	body, err := m.Body()
	if err != nil || string(body) != "rdlrow ,olleH" {
		t.Errorf("Body() = %q, %v", body, err)
	}
}

func TestEventFromRequestInvertsRequest(t *testing.T) {
	for _, e := range []Event{seedEvent, {MessageID: "7", Method: "POST", RequestURI: "/event", HTTPVersion: "HTTP/1.1",
		Headers: []session.Header{{Name: "Content-Type", Value: "text/x-apple-plist+xml"}}, Body: []byte("<plist/>")}} {
		got, err := EventFromRequest(e.Request(), e.MessageID)
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("EventFromRequest(Request()) = %+v, %v; want %+v", got, err, e)
		}
	}
}

func TestEventFromEditedChunkedRequest(t *testing.T) {
	head := "PUT /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n"
	m := &session.Message{Method: "PUT", Target: "/up", Proto: "HTTP/1.1", Chunked: true,
		Headers:  []session.Header{{Name: "Transfer-Encoding", Value: "chunked"}, {Name: "X-A", Value: "1"}},
		Trailers: []session.Header{{Name: "X-Sum", Value: "abc"}},
		Raw:      []byte(head + "3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: abc\r\n\r\n"), HeadLen: len(head), BodyLen: 5}
	e, err := EventFromRequest(m, "n1")
	if err != nil {
		t.Fatal(err)
	}
	want := Event{MessageID: "n1", Method: "PUT", RequestURI: "/up", HTTPVersion: "HTTP/1.1",
		Headers: []session.Header{{Name: "X-A", Value: "1"}, {Name: "X-Sum", Value: "abc"}}, Body: []byte("abcde")}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("event = %+v, want %+v", e, want)
	}
}

func TestEventFromRequestRejects(t *testing.T) {
	ok := func() *session.Message { return seedEvent.Request() }
	cases := []struct {
		name string
		m    *session.Message
		id   string
		want string
	}{
		{"nil", nil, "1", "not a request"},
		{"response", seedReply.Response(), "1", "not a request"},
		{"empty id", ok(), "", "empty message-id"},
		{"method space", func() *session.Message { m := ok(); m.Method = "G T"; return m }(), "1", "method"},
		{"target space", func() *session.Message { m := ok(); m.Target = "/a b"; return m }(), "1", "request target"},
		{"no version", func() *session.Message { m := ok(); m.Proto = ""; return m }(), "1", "empty version"},
		{"header name", func() *session.Message { m := ok(); m.Headers[0].Name = "Bad Name"; return m }(), "1", "header name"},
		{"header value", func() *session.Message { m := ok(); m.Headers[1].Value = "a\r\nX-Injected: 1"; return m }(), "1", "line break"},
		{"truncated", func() *session.Message { m := ok(); m.Truncated = true; return m }(), "1", "capture limit"},
	}
	for _, c := range cases {
		if _, err := EventFromRequest(c.m, c.id); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestReplyFromResponse(t *testing.T) {
	got, err := ReplyFromResponse(seedReply.Response(), "xxx")
	if err != nil || !reflect.DeepEqual(got, seedReply) {
		t.Errorf("ReplyFromResponse(Response()) = %+v, %v; want %+v", got, err, seedReply)
	}
	bad := seedReply.Response()
	bad.Status = 42
	if _, err := ReplyFromResponse(bad, "xxx"); err == nil || !strings.Contains(err.Error(), "status 42") {
		t.Errorf("status 42: error %v", err)
	}
	if _, err := ReplyFromResponse(seedEvent.Request(), "xxx"); err == nil {
		t.Error("a request was accepted as a response")
	}
}
