package comet

import (
	"bytes"
	"fmt"
	"strconv"

	"ptth-inspector/session"
)

// Event is a request the server hands a COMET client: message-id, method, request-uri, http-version, headers, body.
type Event struct {
	MessageID   string // kept as written; a numeric id keeps its digits
	Method      string
	RequestURI  string
	HTTPVersion string // empty when the event names none
	Headers     []session.Header
	Body        []byte // nil when empty
}

// Reply is the client's answer: message-id, http-version, status, reason, headers, body.
type Reply struct {
	MessageID   string
	HTTPVersion string
	Status      int // 100–999
	Reason      string
	Headers     []session.Header
	Body        []byte // nil when empty
}

// Decoded is what one message body carried.
type Decoded struct {
	Events  []Event
	Replies []Reply
	Ack     bool // the body was the acknowledgement {}
	Empty   bool // the body was the empty poll answer []
	List    bool // the body was an array (also set with Empty)
	OK      bool // the body is COMET: an event, a reply, an array of them, {} or []
}

// Error says where and why a body that looks like COMET could not be decoded.
type Error struct {
	Offset int    // byte offset in the body
	Line   int    // 1-based line of Offset
	Column int    // 1-based byte column of Offset
	Path   string // the element at fault, e.g. `[1].headers[2]`; empty for syntax errors
	Msg    string // what is wrong
}

// Error returns e.g. "comet: offset 12 (line 1, column 13) at [0].status: …".
func (e *Error) Error() string {
	s := fmt.Sprintf("comet: offset %d (line %d, column %d)", e.Offset, e.Line, e.Column)
	if e.Path != "" {
		s += " at " + e.Path
	}
	return s + ": " + e.Msg
}

// newError builds an Error at offset off of src.
func newError(src []byte, off int, path, msg string) *Error {
	off = max(0, min(off, len(src)))
	line := 1 + bytes.Count(src[:off], []byte{'\n'})
	col := off - bytes.LastIndexByte(src[:off], '\n')
	return &Error{Offset: off, Line: line, Column: col, Path: path, Msg: msg}
}

// Decode reads a message body: COMET (d.OK), not COMET (!d.OK, nil), or broken COMET (*Error); see the package doc.
func Decode(body []byte) (d Decoded, err error) {
	if !jsonish(body) {
		return Decoded{}, nil
	}
	v, err := parse(body)
	if err != nil {
		if bytes.Contains(body, []byte("message-id")) {
			return Decoded{}, err
		}
		return Decoded{}, nil
	}
	dec := decoder{src: body}
	switch v.kind {
	case kindObject:
		if len(v.members) == 0 {
			return Decoded{Ack: true, OK: true}, nil
		}
		if classify(&v) == notComet {
			return Decoded{}, nil
		}
		err = dec.element(&d, &v, "")
	case kindArray:
		if len(v.items) == 0 {
			return Decoded{Empty: true, List: true, OK: true}, nil
		}
		err = dec.array(&d, &v)
	}
	if err != nil || !d.OK {
		return Decoded{}, err
	}
	return d, nil
}

// jsonish reports whether body starts, after a BOM and whitespace, with { or [.
func jsonish(body []byte) bool {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	body = bytes.TrimLeft(body, " \t\r\n\f\v")
	return len(body) > 0 && (body[0] == '{' || body[0] == '[')
}

// shape is what an object looks like before its fields are checked.
type shape uint8

// Shapes of an object.
const (
	notComet    shape = iota // no message-id, or nothing else COMET about it
	eventShape               // message-id plus method or request-uri
	replyShape               // message-id plus status
	brokenShape              // message-id plus COMET fields, but neither of the above
)

// classify tells events from replies by their keys.
func classify(o *value) shape {
	if o.kind != kindObject {
		return notComet
	}
	if _, ok := o.get("message-id"); !ok {
		return notComet
	}
	_, method := o.get("method")
	_, uri := o.get("request-uri")
	if method || uri {
		return eventShape
	}
	if _, ok := o.get("status"); ok {
		return replyShape
	}
	for _, k := range []string{"http-version", "reason", "headers", "body"} {
		if _, ok := o.get(k); ok {
			return brokenShape
		}
	}
	return notComet
}

// decoder turns parsed values into events and replies.
type decoder struct{ src []byte }

// errAt returns an Error about the value at off.
func (dc *decoder) errAt(off int, path, format string, args ...any) error {
	return newError(dc.src, off, path, fmt.Sprintf(format, args...))
}

// array decodes every element of a top-level array. An array with no
// COMET-looking element is not COMET; otherwise every element must be one.
func (dc *decoder) array(d *Decoded, v *value) error {
	d.List = true
	comet := false
	for i := range v.items {
		if classify(&v.items[i]) != notComet {
			comet = true
			break
		}
	}
	if !comet {
		return nil
	}
	for i := range v.items {
		it := &v.items[i]
		path := "[" + strconv.Itoa(i) + "]"
		if classify(it) == notComet {
			return dc.errAt(it.off, path, "%s among COMET events is neither an event nor a reply", describeValue(it))
		}
		if err := dc.element(d, it, path); err != nil {
			return err
		}
	}
	return nil
}

// element decodes one event or reply object onto d.
func (dc *decoder) element(d *Decoded, o *value, path string) error {
	switch classify(o) {
	case eventShape:
		e, err := dc.event(o, path)
		if err != nil {
			return err
		}
		d.Events = append(d.Events, e)
	case replyShape:
		r, err := dc.reply(o, path)
		if err != nil {
			return err
		}
		d.Replies = append(d.Replies, r)
	default:
		return dc.errAt(o.off, path, "object has a message-id but neither method and request-uri (event) nor status (reply)")
	}
	d.OK = true
	return nil
}

// describeValue names a value's kind, with an object's emptiness.
func describeValue(v *value) string {
	if v.kind == kindObject && len(v.members) == 0 {
		return "an empty object"
	}
	return v.kind.String()
}
