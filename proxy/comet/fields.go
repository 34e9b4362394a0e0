package comet

import (
	"strconv"
	"strings"

	"ptth-inspector/session"
)

// event decodes an object already classified as an event.
func (dc *decoder) event(o *value, path string) (Event, error) {
	var e Event
	var err error
	if e.MessageID, err = dc.messageID(o, path); err != nil {
		return Event{}, err
	}
	if e.Method, err = dc.text(o, path, "method", true); err != nil {
		return Event{}, err
	}
	if e.Method == "" {
		return Event{}, dc.fieldErr(o, path, "method", "event method is empty")
	}
	if e.RequestURI, err = dc.text(o, path, "request-uri", true); err != nil {
		return Event{}, err
	}
	if e.HTTPVersion, err = dc.text(o, path, "http-version", false); err != nil {
		return Event{}, err
	}
	if e.Headers, err = dc.headers(o, path); err != nil {
		return Event{}, err
	}
	if e.Body, err = dc.body(o, path); err != nil {
		return Event{}, err
	}
	return e, nil
}

// reply decodes an object already classified as a reply.
func (dc *decoder) reply(o *value, path string) (Reply, error) {
	var r Reply
	var err error
	if r.MessageID, err = dc.messageID(o, path); err != nil {
		return Reply{}, err
	}
	if r.HTTPVersion, err = dc.text(o, path, "http-version", false); err != nil {
		return Reply{}, err
	}
	if r.Status, err = dc.status(o, path); err != nil {
		return Reply{}, err
	}
	if r.Reason, err = dc.text(o, path, "reason", false); err != nil {
		return Reply{}, err
	}
	if r.Headers, err = dc.headers(o, path); err != nil {
		return Reply{}, err
	}
	if r.Body, err = dc.body(o, path); err != nil {
		return Reply{}, err
	}
	return r, nil
}

// join appends a key to an element path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldErr reports a problem with the field key of o (or o itself when the
// field is missing).
func (dc *decoder) fieldErr(o *value, path, key, msg string) error {
	if m, ok := o.get(key); ok {
		return dc.errAt(m.val.off, join(path, key), "%s", msg)
	}
	return dc.errAt(o.off, path, "%s", msg)
}

// messageID returns the message-id, a string or a number kept as written.
func (dc *decoder) messageID(o *value, path string) (string, error) {
	m, _ := o.get("message-id")
	switch m.val.kind {
	case kindString, kindNumber:
		return string(m.val.text), nil
	}
	return "", dc.errAt(m.val.off, join(path, "message-id"), "message-id must be a string or a number, not %s", m.val.kind)
}

// text returns a string field; null or a missing optional field is "".
func (dc *decoder) text(o *value, path, key string, required bool) (string, error) {
	m, ok := o.get(key)
	if !ok {
		if required {
			return "", dc.errAt(o.off, path, "event has no %s", key)
		}
		return "", nil
	}
	switch m.val.kind {
	case kindString:
		return string(m.val.text), nil
	case kindNull:
		if !required {
			return "", nil
		}
	}
	return "", dc.errAt(m.val.off, join(path, key), "%s must be a string, not %s", key, m.val.kind)
}

// status returns the reply status, a number or a numeric string, 100–999.
func (dc *decoder) status(o *value, path string) (int, error) {
	m, _ := o.get("status")
	v := &m.val
	if v.kind != kindNumber && v.kind != kindString {
		return 0, dc.errAt(v.off, join(path, "status"), "status must be a number, not %s", v.kind)
	}
	s := strings.TrimSpace(string(v.text))
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 999 || s[0] == '+' || s[0] == '-' {
		return 0, dc.errAt(v.off, join(path, "status"), "status %s is not a whole number from 100 to 999", quoteShort(v.text))
	}
	return n, nil
}

// headers returns the header list: [[name, value], …] or, leniently, an
// object {name: value, …}; null or missing is none.
func (dc *decoder) headers(o *value, path string) ([]session.Header, error) {
	m, ok := o.get("headers")
	if !ok || m.val.kind == kindNull {
		return nil, nil
	}
	hp := join(path, "headers")
	var hs []session.Header
	switch m.val.kind {
	case kindArray:
		for i := range m.val.items {
			it := &m.val.items[i]
			ip := hp + "[" + strconv.Itoa(i) + "]"
			if it.kind != kindArray || len(it.items) != 2 {
				return nil, dc.errAt(it.off, ip, "header must be a [name, value] pair, not %s", describeItem(it))
			}
			h, err := dc.header(&it.items[0], &it.items[1], ip+"[0]", ip+"[1]")
			if err != nil {
				return nil, err
			}
			hs = append(hs, h)
		}
	case kindObject:
		for i := range m.val.members {
			mm := &m.val.members[i]
			name := value{kind: kindString, off: mm.off, text: []byte(mm.key)}
			h, err := dc.header(&name, &mm.val, hp, join(hp, mm.key))
			if err != nil {
				return nil, err
			}
			hs = append(hs, h)
		}
	default:
		return nil, dc.errAt(m.val.off, hp, "headers must be a list of [name, value] pairs, not %s", m.val.kind)
	}
	return hs, nil
}

// header checks one name and value; a numeric value keeps its text.
func (dc *decoder) header(name, val *value, np, vp string) (session.Header, error) {
	if name.kind != kindString || len(name.text) == 0 {
		return session.Header{}, dc.errAt(name.off, np, "header name must be a non-empty string, not %s", describeItem(name))
	}
	if val.kind != kindString && val.kind != kindNumber {
		return session.Header{}, dc.errAt(val.off, vp, "header value must be a string, not %s", val.kind)
	}
	return session.Header{Name: string(name.text), Value: string(val.text)}, nil
}

// body returns the body bytes; null or missing is empty (nil).
func (dc *decoder) body(o *value, path string) ([]byte, error) {
	m, ok := o.get("body")
	if !ok || m.val.kind == kindNull {
		return nil, nil
	}
	if m.val.kind != kindString {
		return nil, dc.errAt(m.val.off, join(path, "body"), "body must be a string, not %s", m.val.kind)
	}
	if len(m.val.text) == 0 {
		return nil, nil
	}
	return m.val.text, nil
}

// describeItem names a value, with a list's length or a string's emptiness.
func describeItem(v *value) string {
	switch {
	case v.kind == kindArray:
		return "a list of " + strconv.Itoa(len(v.items))
	case v.kind == kindString && len(v.text) == 0:
		return "an empty string"
	}
	return describeValue(v)
}

// quoteShort quotes up to 32 bytes of b for an error message.
func quoteShort(b []byte) string {
	if len(b) > 32 {
		return strconv.Quote(string(b[:32])) + "…"
	}
	return strconv.Quote(string(b))
}
