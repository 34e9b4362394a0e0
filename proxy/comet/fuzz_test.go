package comet

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode checks that Decode never panics, that its errors say where,
// that whatever decodes survives Encode→Decode unchanged, and that the
// parser accepts strict JSON exactly as encoding/json reads it.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		seedEventBody, seedReplyBody, "{}", "[]", " [ ] ", "", "null", "hello",
		`[` + seedEventBody + `, ` + seedReplyBody + `]`,
		`{"message-id":1,"method":"GET","request-uri":"/","headers":[["A","b"]],"body":"\u00e9\ud83d\ude00"}`,
		`{'message-id': u'x', 'status': '204', 'headers': (('A', 1),), 'body': b'\xff\101\q',}`,
		`{"message-id": "x", "status": 200L, "reason": None, "extra": [True, False, 1.5e-3]}`,
		`{'message-id': 'x', 'method': 'GET' 'request-uri': '/'}`,
		`{'message-id': 'x', 'body': 'cut`,
		`{"a": [1, {"b": null}], "c": "\\"}`,
		`{"message-id": "x", "status": 200, "body": ` + strings.Repeat("[", 70),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Decode(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(body) || e.Line < 1 || e.Column < 1 {
				t.Fatalf("error %#v does not locate the fault", err)
			}
			if d.OK || len(d.Events)+len(d.Replies) != 0 {
				t.Fatalf("error %v came with results %+v", err, d)
			}
		}
		checkStrict(t, body)
		if !d.OK {
			return
		}
		enc := Encode(d)
		again, err := Decode(enc)
		if err != nil || !again.OK {
			t.Fatalf("re-decoding %q: %+v, %v", enc, again, err)
		}
		if !reflect.DeepEqual(again.Events, d.Events) || !reflect.DeepEqual(again.Replies, d.Replies) {
			t.Fatalf("Encode→Decode changed\n%+v %+v\ninto\n%+v %+v", d.Events, d.Replies, again.Events, again.Replies)
		}
		if allUTF8(d) && !json.Valid(enc) {
			t.Fatalf("encoding of UTF-8 strings is not strict JSON: %q", enc)
		}
	})
}

// allUTF8 reports whether every string in d is valid UTF-8.
func allUTF8(d Decoded) bool {
	var s []string
	for _, e := range d.Events {
		s = append(s, e.MessageID, e.Method, e.RequestURI, e.HTTPVersion, string(e.Body))
		for _, h := range e.Headers {
			s = append(s, h.Name, h.Value)
		}
	}
	for _, r := range d.Replies {
		s = append(s, r.MessageID, r.HTTPVersion, r.Reason, string(r.Body))
		for _, h := range r.Headers {
			s = append(s, h.Name, h.Value)
		}
	}
	for _, x := range s {
		if !utf8.ValidString(x) {
			return false
		}
	}
	return true
}

// checkStrict compares the parser with encoding/json on strict UTF-8 JSON.
func checkStrict(t *testing.T, body []byte) {
	if !utf8.Valid(body) || !json.Valid(body) {
		return
	}
	v, err := parse(body)
	if err != nil {
		if strings.Contains(err.Error(), "nesting deeper") {
			return
		}
		t.Fatalf("strict JSON %q rejected: %v", body, err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	if got := plain(&v); !reflect.DeepEqual(got, want) {
		t.Fatalf("parse(%q) = %#v, encoding/json reads %#v", body, got, want)
	}
}

// plain converts a parsed value to what encoding/json with UseNumber gives.
func plain(v *value) any {
	switch v.kind {
	case kindBool:
		return v.truth
	case kindNumber:
		return json.Number(v.text)
	case kindString:
		return string(v.text)
	case kindArray:
		out := make([]any, len(v.items))
		for i := range v.items {
			out[i] = plain(&v.items[i])
		}
		return out
	case kindObject:
		out := make(map[string]any, len(v.members))
		for i := range v.members {
			out[v.members[i].key] = plain(&v.members[i].val)
		}
		return out
	}
	return nil
}
