package comet

import (
	"reflect"
	"testing"

	"ptth-inspector/session"
)

// The two bodies of the 2008 seed transcript, byte for byte.
const (
	seedEventBody = `{'message-id': 'xxx', 'method': 'GET', 'request-uri': '/', 'http-version': 'PTTH/1.0', 'headers': [['Host', '127.0.0.1:65331'], ['Accept-Encoding', 'identity'], ['Accept','text/plain;q=1,*/*;q=0']], 'body': ''}`
	seedReplyBody = `{'message-id': 'xxx', 'http-version': 'PTTH/1.0', 'status': 200, 'reason': 'OK', 'headers': [['Content-type', 'text/plain'], ['Date', 'Tue, 13 May 2008 20:14:45 GMT']], 'body': 'rdlrow ,olleH'}`
)

var seedEvent = Event{
	MessageID: "xxx", Method: "GET", RequestURI: "/", HTTPVersion: "PTTH/1.0",
	Headers: []session.Header{
		{Name: "Host", Value: "127.0.0.1:65331"},
		{Name: "Accept-Encoding", Value: "identity"},
		{Name: "Accept", Value: "text/plain;q=1,*/*;q=0"},
	},
}

var seedReply = Reply{
	MessageID: "xxx", HTTPVersion: "PTTH/1.0", Status: 200, Reason: "OK",
	Headers: []session.Header{
		{Name: "Content-type", Value: "text/plain"},
		{Name: "Date", Value: "Tue, 13 May 2008 20:14:45 GMT"},
	},
	Body: []byte("rdlrow ,olleH"),
}

// mustDecode decodes body and fails the test unless it is OK COMET.
func mustDecode(t *testing.T, body string) Decoded {
	t.Helper()
	d, err := Decode([]byte(body))
	if err != nil {
		t.Fatalf("Decode(%s): %v", body, err)
	}
	if !d.OK {
		t.Fatalf("Decode(%s): not OK", body)
	}
	return d
}

func TestSeedBodiesMatchTranscriptLengths(t *testing.T) {
	// The transcript's Content-Length headers say 210 and 193.
	if len(seedEventBody) != 210 || len(seedReplyBody) != 193 {
		t.Fatalf("seed bodies are %d and %d bytes, want 210 and 193", len(seedEventBody), len(seedReplyBody))
	}
}

func TestDecodeSeedEvent(t *testing.T) {
	d := mustDecode(t, seedEventBody)
	if len(d.Events) != 1 || len(d.Replies) != 0 || d.Ack || d.Empty || d.List {
		t.Fatalf("got %+v, want one event only", d)
	}
	if !reflect.DeepEqual(d.Events[0], seedEvent) {
		t.Errorf("event = %+v\nwant    %+v", d.Events[0], seedEvent)
	}
}

func TestDecodeSeedReply(t *testing.T) {
	d := mustDecode(t, seedReplyBody)
	if len(d.Replies) != 1 || len(d.Events) != 0 || d.Ack || d.List {
		t.Fatalf("got %+v, want one reply only", d)
	}
	if !reflect.DeepEqual(d.Replies[0], seedReply) {
		t.Errorf("reply = %+v\nwant    %+v", d.Replies[0], seedReply)
	}
}

func TestDecodeStrictJSON(t *testing.T) {
	ev := mustDecode(t, `{"message-id":"xxx","method":"GET","request-uri":"/","http-version":"PTTH/1.0",`+
		`"headers":[["Host","127.0.0.1:65331"],["Accept-Encoding","identity"],["Accept","text/plain;q=1,*/*;q=0"]],"body":""}`)
	if len(ev.Events) != 1 || !reflect.DeepEqual(ev.Events[0], seedEvent) {
		t.Errorf("strict event = %+v, want %+v", ev.Events, seedEvent)
	}
	rp := mustDecode(t, "{\n  \"message-id\": \"xxx\",\n  \"http-version\": \"PTTH/1.0\",\n  \"status\": 200,\n  \"reason\": \"OK\",\n"+
		"  \"headers\": [[\"Content-type\", \"text/plain\"], [\"Date\", \"Tue, 13 May 2008 20:14:45 GMT\"]],\n  \"body\": \"rdlrow ,olleH\"\n}\n")
	if len(rp.Replies) != 1 || !reflect.DeepEqual(rp.Replies[0], seedReply) {
		t.Errorf("strict reply = %+v, want %+v", rp.Replies, seedReply)
	}
}

func TestDecodeArrayOfEvents(t *testing.T) {
	d := mustDecode(t, `[{"message-id": "1", "method": "GET", "request-uri": "/a", "http-version": "PTTH/1.0", "headers": [], "body": ""},
		{"message-id": "2", "method": "POST", "request-uri": "/b", "http-version": "PTTH/1.0", "headers": [["Content-Length", "2"]], "body": "hi"}]`)
	if !d.List || len(d.Events) != 2 || len(d.Replies) != 0 {
		t.Fatalf("got %+v, want a list of two events", d)
	}
	if d.Events[0].MessageID != "1" || d.Events[0].RequestURI != "/a" || d.Events[0].Headers != nil || d.Events[0].Body != nil {
		t.Errorf("first event = %+v", d.Events[0])
	}
	if d.Events[1].Method != "POST" || string(d.Events[1].Body) != "hi" || d.Events[1].Headers[0].Value != "2" {
		t.Errorf("second event = %+v", d.Events[1])
	}
}

func TestDecodeMixedArray(t *testing.T) {
	d := mustDecode(t, `[{'message-id': 'a', 'status': 204}, {'message-id': 'b', 'method': 'GET', 'request-uri': '/next'}, {'message-id': 'c', 'status': '404', 'reason': 'Not Found'}]`)
	if len(d.Events) != 1 || len(d.Replies) != 2 || !d.List {
		t.Fatalf("got %+v, want one event and two replies", d)
	}
	if d.Events[0].MessageID != "b" || d.Events[0].RequestURI != "/next" {
		t.Errorf("event = %+v", d.Events[0])
	}
	if d.Replies[0].MessageID != "a" || d.Replies[0].Status != 204 || d.Replies[1].Status != 404 || d.Replies[1].Reason != "Not Found" {
		t.Errorf("replies = %+v", d.Replies)
	}
}

func TestDecodeAckAndEmpty(t *testing.T) {
	for _, body := range []string{"{}", " { }\r\n", "\xEF\xBB\xBF{}"} {
		d := mustDecode(t, body)
		if !d.Ack || d.Empty || d.List || len(d.Events)+len(d.Replies) != 0 {
			t.Errorf("Decode(%q) = %+v, want an ack", body, d)
		}
	}
	for _, body := range []string{"[]", "[ ]\n", "\t[\n]"} {
		d := mustDecode(t, body)
		if !d.Empty || !d.List || d.Ack || len(d.Events)+len(d.Replies) != 0 {
			t.Errorf("Decode(%q) = %+v, want an empty poll", body, d)
		}
	}
}

func TestDecodeNotComet(t *testing.T) {
	for _, body := range []string{
		"", "   ", "hello", "<plist/>", "null", `"message-id"`, "42",
		`{"a": 1}`, `[1, 2, 3]`, `[{}]`, `{"jsonrpc": "2.0", "id": 1, "method": "x"}`,
		`{"message-id": 1}`, `{"message-id": 1, "other": true}`,
		`{"method": "GET", "request-uri": "/"}`, `[{"id": 1}, {"id": 2}]`,
		`{broken`, `{"a": [1, 2}`, `[` + string(make([]byte, 100)) + `]`,
	} {
		d, err := Decode([]byte(body))
		if err != nil || d.OK || d.Ack || d.Empty || len(d.Events)+len(d.Replies) != 0 {
			t.Errorf("Decode(%q) = %+v, %v; want not COMET and no error", body, d, err)
		}
	}
}

func TestDecodeLenientSyntax(t *testing.T) {
	d := mustDecode(t, " {\n\t'message-id' : u'7' ,'method':\"PUT\", 'request-uri' :'/x',"+
		" 'http-version': None, 'headers': (('A', 'b'), ['C', 3],), 'body': b'z', 'extra': [True, False, None, 1.5e3, {},], } ")
	want := Event{MessageID: "7", Method: "PUT", RequestURI: "/x",
		Headers: []session.Header{{Name: "A", Value: "b"}, {Name: "C", Value: "3"}}, Body: []byte("z")}
	if len(d.Events) != 1 || !reflect.DeepEqual(d.Events[0], want) {
		t.Errorf("lenient event = %+v, want %+v", d.Events, want)
	}
	r := mustDecode(t, `{'message-id': 9, 'status': 200L, 'reason': None, 'headers': {'X-One': '1', 'X-Two': '2'}}`)
	wantR := Reply{MessageID: "9", Status: 200, Headers: []session.Header{{Name: "X-One", Value: "1"}, {Name: "X-Two", Value: "2"}}}
	if len(r.Replies) != 1 || !reflect.DeepEqual(r.Replies[0], wantR) {
		t.Errorf("lenient reply = %+v, want %+v", r.Replies, wantR)
	}
	dup := mustDecode(t, `{"message-id": "a", "status": 500, "status": 201}`)
	if dup.Replies[0].Status != 201 {
		t.Errorf("duplicate key: status = %d, want the last one, 201", dup.Replies[0].Status)
	}
}

func TestDecodeNumericIDsAndStatus(t *testing.T) {
	for body, want := range map[string]string{
		`{"message-id": 42, "status": 200}`:     "42",
		`{"message-id": -7, "status": 200}`:     "-7",
		`{"message-id": 1.5e3, "status": 200}`:  "1.5e3",
		`{"message-id": 0012, "status": 200}`:   "0012",
		`{"message-id": "0012", "status": 200}`: "0012",
	} {
		d := mustDecode(t, body)
		if len(d.Replies) != 1 || d.Replies[0].MessageID != want {
			t.Errorf("Decode(%s): replies %+v, want message-id %q", body, d.Replies, want)
		}
	}
	for _, status := range []string{`200`, `"200"`, `" 200 "`, `'200'`} {
		d := mustDecode(t, `{'message-id': 'x', 'status': `+status+`}`)
		if d.Replies[0].Status != 200 {
			t.Errorf("status %s decoded as %d", status, d.Replies[0].Status)
		}
	}
}

func TestDecodeEscapes(t *testing.T) {
	cases := []struct{ body, want string }{
		{`'a\'b\"c\\d'`, `a'b"c\d`},
		{`"a\"b\'c\/d"`, `a"b'c/d`},
		{`'\n\r\t\b\f\v\a'`, "\n\r\t\b\f\v\a"},
		{`'\x00\x7f\xff\xC3\xA9'`, "\x00\x7f\xff\xc3\xa9"},
		{`'\u00e9\u20AC'`, "é€"},
		{`"\ud83d\ude00"`, "😀"},
		{`'\U0001F600'`, "😀"},
		{`"\ud800x"`, "\uFFFDx"},
		{`"\udc00"`, "\uFFFD"},
		{`'\101\0\377'`, "A\x00\xff"},
		{`'\q\%'`, `\q\%`},
		{"'line\\\ncontinued'", "linecontinued"},
		{"'raw\xff\x01bytes'", "raw\xff\x01bytes"},
		{`'✓ ünïcode'`, "✓ ünïcode"},
	}
	for _, c := range cases {
		body := `{'message-id': 'e', 'status': 200, 'body': ` + c.body + `}`
		d := mustDecode(t, body)
		if got := string(d.Replies[0].Body); got != c.want {
			t.Errorf("body %s decoded as %q, want %q", c.body, got, c.want)
		}
	}
}

func TestDecodeMissingFieldsDefault(t *testing.T) {
	d := mustDecode(t, `{'message-id': 'm', 'method': 'GET', 'request-uri': '/'}`)
	e := d.Events[0]
	if e.HTTPVersion != "" || e.Headers != nil || e.Body != nil {
		t.Errorf("event without optional fields = %+v, want them empty", e)
	}
	d = mustDecode(t, `{'message-id': 'm', 'status': 204, 'body': None, 'headers': None}`)
	if r := d.Replies[0]; r.Body != nil || r.Headers != nil || r.Reason != "" {
		t.Errorf("reply with null fields = %+v, want them empty", r)
	}
}
