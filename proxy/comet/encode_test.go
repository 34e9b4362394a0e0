package comet

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"ptth-inspector/session"
)

func TestEncodeSeedEvent(t *testing.T) {
	want := `{"message-id": "xxx", "method": "GET", "request-uri": "/", "http-version": "PTTH/1.0", ` +
		`"headers": [["Host", "127.0.0.1:65331"], ["Accept-Encoding", "identity"], ["Accept", "text/plain;q=1,*/*;q=0"]], "body": ""}`
	got := EncodeEvent(seedEvent)
	if string(got) != want {
		t.Fatalf("EncodeEvent(seed) =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Error("EncodeEvent output is not strict JSON")
	}
}

func TestEncodeSeedReply(t *testing.T) {
	want := `{"message-id": "xxx", "http-version": "PTTH/1.0", "status": 200, "reason": "OK", ` +
		`"headers": [["Content-type", "text/plain"], ["Date", "Tue, 13 May 2008 20:14:45 GMT"]], "body": "rdlrow ,olleH"}`
	got := EncodeReply(seedReply)
	if string(got) != want {
		t.Fatalf("EncodeReply(seed) =\n%s\nwant\n%s", got, want)
	}
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil || m["status"] != 200.0 || m["body"] != "rdlrow ,olleH" {
		t.Errorf("encoding/json reads %v, %v", m, err)
	}
}

func TestEncodeLists(t *testing.T) {
	if got := string(EncodeEvents(nil)); got != "[]" {
		t.Errorf("EncodeEvents(nil) = %s, want []", got)
	}
	if got := string(EncodeReplies(nil)); got != "[]" {
		t.Errorf("EncodeReplies(nil) = %s, want []", got)
	}
	a := Event{MessageID: "1", Method: "GET", RequestURI: "/a"}
	b := Event{MessageID: "2", Method: "GET", RequestURI: "/b"}
	got := EncodeEvents([]Event{a, b})
	want := "[" + string(EncodeEvent(a)) + ", " + string(EncodeEvent(b)) + "]"
	if string(got) != want || !json.Valid(got) {
		t.Errorf("EncodeEvents = %s, want %s", got, want)
	}
	d := mustDecode(t, string(got))
	if len(d.Events) != 2 || d.Events[1].RequestURI != "/b" {
		t.Errorf("decoded list = %+v", d)
	}
	rs := EncodeReplies([]Reply{seedReply, {MessageID: "2", Status: 204}})
	if d := mustDecode(t, string(rs)); len(d.Replies) != 2 || d.Replies[1].Status != 204 {
		t.Errorf("decoded replies = %+v", d)
	}
}

func TestEncodeDecoded(t *testing.T) {
	r := Reply{MessageID: "r", Status: 200}
	cases := []struct {
		d    Decoded
		want string
	}{
		{Decoded{Ack: true, OK: true}, "{}"},
		{Decoded{Empty: true, List: true, OK: true}, "[]"},
		{Decoded{Replies: []Reply{r}, OK: true}, string(EncodeReply(r))},
		{Decoded{Replies: []Reply{r}, List: true, OK: true}, "[" + string(EncodeReply(r)) + "]"},
		{Decoded{Events: []Event{seedEvent}, Replies: []Reply{r}, OK: true},
			"[" + string(EncodeEvent(seedEvent)) + ", " + string(EncodeReply(r)) + "]"},
	}
	for _, c := range cases {
		if got := string(Encode(c.d)); got != c.want {
			t.Errorf("Encode(%+v) = %s, want %s", c.d, got, c.want)
		}
	}
}

func TestEncodeEscapesStrictJSON(t *testing.T) {
	body := "quote\" backslash\\ nl\n cr\r tab\t nul\x00 esc\x1b del\x7f é € 😀 sep\u2028\u2029 </script>"
	r := Reply{MessageID: "id \"1\"", HTTPVersion: "PTTH/1.0", Status: 200, Reason: "Ok\tthen",
		Headers: []session.Header{{Name: "X-Q", Value: `a"b\c`}}, Body: []byte(body)}
	enc := EncodeReply(r)
	if !json.Valid(enc) {
		t.Fatalf("not strict JSON: %s", enc)
	}
	if bytes.ContainsAny(enc, "\n\r\t\x00\x1b\x7f\u2028\u2029") {
		t.Errorf("control bytes or line separators left raw in %q", enc)
	}
	var m struct {
		ID   string `json:"message-id"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(enc, &m); err != nil || m.Body != body || m.ID != r.MessageID {
		t.Errorf("encoding/json reads id %q body %q (%v), want %q", m.ID, m.Body, err, body)
	}
	d := mustDecode(t, string(enc))
	if !reflect.DeepEqual(d.Replies[0], r) {
		t.Errorf("round trip = %+v, want %+v", d.Replies[0], r)
	}
}

func TestEncodeNonUTF8Body(t *testing.T) {
	e := Event{MessageID: "b", Method: "POST", RequestURI: "/bin", Body: []byte{0xff, 'a', 0xc3, 0x28, 0xe9}}
	enc := EncodeEvent(e)
	if !bytes.Contains(enc, []byte(`"body": "\xffa\xc3(\xe9"`)) {
		t.Errorf("invalid UTF-8 not written as \\xNN escapes: %s", enc)
	}
	d := mustDecode(t, string(enc))
	if !bytes.Equal(d.Events[0].Body, e.Body) {
		t.Errorf("body round trip = %x, want %x", d.Events[0].Body, e.Body)
	}
}

func TestRoundTrip(t *testing.T) {
	events := []Event{
		seedEvent,
		{MessageID: "", Method: "M-SEARCH", RequestURI: "*", HTTPVersion: "HTTP/1.1"},
		{MessageID: "42", Method: "POST", RequestURI: "/a?b=c&d=%20", HTTPVersion: "PTTH/0.9",
			Headers: []session.Header{{Name: "content-type", Value: "text/x-apple-plist+xml"}, {Name: "X-Empty", Value: ""}},
			Body:    []byte("<?xml version=\"1.0\"?>\n<plist>\t</plist>\n\x00\x01\xfe")},
	}
	replies := []Reply{seedReply, {MessageID: "42", Status: 999, Reason: "Ünusual"}}
	for _, e := range events {
		d := mustDecode(t, string(EncodeEvent(e)))
		if len(d.Events) != 1 || !reflect.DeepEqual(d.Events[0], e) {
			t.Errorf("event round trip = %+v, want %+v", d.Events, e)
		}
	}
	for _, r := range replies {
		d := mustDecode(t, string(EncodeReply(r)))
		if len(d.Replies) != 1 || !reflect.DeepEqual(d.Replies[0], r) {
			t.Errorf("reply round trip = %+v, want %+v", d.Replies, r)
		}
	}
	all := Decoded{Events: events, Replies: replies, List: true, OK: true}
	if got := mustDecode(t, string(Encode(all))); !reflect.DeepEqual(got, all) {
		t.Errorf("Encode→Decode of a mixed list = %+v, want %+v", got, all)
	}
}
