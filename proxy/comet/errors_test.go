package comet

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeBrokenNamesPosition(t *testing.T) {
	deep := `{"message-id": "x", "status": 200, "body": ` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`
	cases := []struct {
		name, body string
		off        int    // want Error.Offset
		path       string // want Error.Path
		msg        string // want in Error.Msg
	}{
		{"missing comma", `{'message-id': 'x', 'method': 'GET' 'request-uri': '/'}`, 36, "", "expected ',' or '}'"},
		{"missing colon", `{'message-id' 'x'}`, 14, "", "expected ':' after key"},
		{"unclosed string", `{'message-id': 'x', 'status': 200, 'body': 'abc}`, 43, "", "string starting at offset 43 is not closed"},
		{"cut short", `{'message-id': 'x', 'status': 200`, 33, "", "object starting at offset 0 is not closed"},
		{"list cut short", `[{'message-id': 'x', 'status': 200}`, 35, "", "list starting at offset 0 is not closed"},
		{"backslash at end", `{'message-id': 'x', 'status': 200, 'body': 'a\`, 45, "", "backslash at the end of input"},
		{"bare word", `{'message-id': xxx, 'status': 200}`, 15, "", `unknown word "xxx"`},
		{"bad hex escape", `{'message-id': 'x', 'status': 200, 'body': 'a\x4g'}`, 45, "", `bad \x escape`},
		{"trailing bytes", `{'message-id': 'x', 'status': 200} {}`, 35, "", "after the end of the document"},
		{"too deep", deep, 43 + maxDepth - 1, "", "nesting deeper than 64"},
		{"status word", `{'message-id': 'x', 'status': 'abc'}`, 30, "status", "not a whole number"},
		{"status range", `{'message-id': 'x', 'status': 2000}`, 30, "status", "from 100 to 999"},
		{"status fraction", `{'message-id': 'x', 'status': 200.5}`, 30, "status", "not a whole number"},
		{"id type", `{'message-id': True, 'status': 200}`, 15, "message-id", "string or a number, not a boolean"},
		{"no request-uri", `{'message-id': 'x', 'method': 'GET'}`, 0, "", "event has no request-uri"},
		{"empty method", `{'message-id': 'x', 'method': '', 'request-uri': '/'}`, 30, "method", "method is empty"},
		{"neither", `{'message-id': 'x', 'body': 'y'}`, 0, "", "neither method and request-uri"},
		{"header not pair", `{'message-id': 'x', 'status': 200, 'headers': [['A', 'b'], ['Host']]}`, 59, "headers[1]", "pair, not a list of 1"},
		{"header value", `{'message-id': 'x', 'status': 200, 'headers': [['A', None]]}`, 53, "headers[0][1]", "header value must be a string"},
		{"header name", `{'message-id': 'x', 'status': 200, 'headers': [['', 'v']]}`, 48, "headers[0][0]", "non-empty string, not an empty string"},
		{"headers type", `{'message-id': 'x', 'status': 200, 'headers': 'Host: a'}`, 46, "headers", "list of [name, value] pairs, not a string"},
		{"body type", `{'message-id': 'x', 'status': 200, 'body': 12}`, 43, "body", "body must be a string, not a number"},
		{"array element", `[{'message-id': 'x', 'status': 200}, 5]`, 37, "[1]", "a number among COMET events"},
		{"array field", `[{'message-id': 'x', 'status': 200}, {'message-id': 'y', 'status': 1}]`, 67, "[1].status", "from 100 to 999"},
		{"ack in array", `[{}, {'message-id': 'x', 'status': 200}]`, 1, "[0]", "an empty object among COMET events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Decode([]byte(c.body))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode(%s) = %+v, %v; want an *Error", c.body, d, err)
			}
			if d.OK || len(d.Events)+len(d.Replies) != 0 {
				t.Errorf("a broken body decoded to %+v, want nothing", d)
			}
			if e.Offset != c.off || e.Path != c.path || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("error %+v, want offset %d, path %q, message containing %q", e, c.off, c.path, c.msg)
			}
			if !strings.Contains(err.Error(), "offset ") {
				t.Errorf("error text %q does not name the offset", err)
			}
		})
	}
}

func TestErrorLineAndColumn(t *testing.T) {
	body := "{\n  \"message-id\": \"x\",\n  \"status\": 2000\n}"
	_, err := Decode([]byte(body))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want an *Error, got %v", err)
	}
	if e.Line != 3 || e.Column != 13 || e.Offset != strings.Index(body, "2000") {
		t.Errorf("error at line %d column %d offset %d, want line 3 column 13 offset %d", e.Line, e.Column, e.Offset, strings.Index(body, "2000"))
	}
	want := "comet: offset 35 (line 3, column 13) at status: status \"2000\" is not a whole number from 100 to 999"
	if err.Error() != want {
		t.Errorf("error text\n%s\nwant\n%s", err, want)
	}
}
