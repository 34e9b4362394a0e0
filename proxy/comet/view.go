package comet

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ptth-inspector/session"
)

// Request returns the event as a request message with synthesized "METHOD URI VERSION", headers, empty line, body.
func (e Event) Request() *session.Message {
	raw, head := synthesize(e.Method+" "+e.RequestURI+" "+e.HTTPVersion, e.Headers, e.Body)
	return &session.Message{
		Method:  e.Method,
		Target:  e.RequestURI,
		Proto:   e.HTTPVersion,
		Headers: slices.Clone(e.Headers),
		Raw:     raw,
		HeadLen: head,
		BodyLen: int64(len(e.Body)),
	}
}

// Response returns the reply as a response message with synthesized "VERSION STATUS REASON", headers, empty line, body.
func (r Reply) Response() *session.Message {
	raw, head := synthesize(r.HTTPVersion+" "+strconv.Itoa(r.Status)+" "+r.Reason, r.Headers, r.Body)
	return &session.Message{
		Proto:   r.HTTPVersion,
		Status:  r.Status,
		Reason:  r.Reason,
		Headers: slices.Clone(r.Headers),
		Raw:     raw,
		HeadLen: head,
		BodyLen: int64(len(r.Body)),
	}
}

// synthesize builds start line, headers, empty line and body; it returns the
// bytes and the length of the head.
func synthesize(start string, hs []session.Header, body []byte) ([]byte, int) {
	n := len(start) + 4 + len(body)
	for _, h := range hs {
		n += len(h.Name) + len(h.Value) + 4
	}
	raw := make([]byte, 0, n)
	raw = append(raw, start...)
	raw = append(raw, "\r\n"...)
	for _, h := range hs {
		raw = append(raw, h.Name...)
		raw = append(raw, ": "...)
		raw = append(raw, h.Value...)
		raw = append(raw, "\r\n"...)
	}
	raw = append(raw, "\r\n"...)
	head := len(raw)
	return append(raw, body...), head
}

// EventFromRequest turns a (possibly edited) request into an event with the given message-id, inverting Request.
func EventFromRequest(m *session.Message, messageID string) (Event, error) {
	if m == nil || !m.IsRequest() {
		return Event{}, errors.New("comet: not a request")
	}
	if messageID == "" {
		return Event{}, errors.New("comet: empty message-id")
	}
	if err := checkToken("method", m.Method); err != nil {
		return Event{}, err
	}
	if err := checkWord("request target", m.Target); err != nil {
		return Event{}, err
	}
	if err := checkWord("version", m.Proto); err != nil {
		return Event{}, err
	}
	hs, body, err := payload(m)
	if err != nil {
		return Event{}, err
	}
	return Event{MessageID: messageID, Method: m.Method, RequestURI: m.Target,
		HTTPVersion: m.Proto, Headers: hs, Body: body}, nil
}

// ReplyFromResponse turns a (possibly edited) response into a reply with the given message-id, inverting Response.
func ReplyFromResponse(m *session.Message, messageID string) (Reply, error) {
	if m == nil || m.IsRequest() {
		return Reply{}, errors.New("comet: not a response")
	}
	if messageID == "" {
		return Reply{}, errors.New("comet: empty message-id")
	}
	if m.Status < 100 || m.Status > 999 {
		return Reply{}, fmt.Errorf("comet: status %d is not from 100 to 999", m.Status)
	}
	if err := checkWord("version", m.Proto); err != nil {
		return Reply{}, err
	}
	if strings.ContainsAny(m.Reason, "\r\n\x00") {
		return Reply{}, errors.New("comet: reason contains a line break or NUL")
	}
	hs, body, err := payload(m)
	if err != nil {
		return Reply{}, err
	}
	return Reply{MessageID: messageID, HTTPVersion: m.Proto, Status: m.Status,
		Reason: m.Reason, Headers: hs, Body: body}, nil
}

// payload returns the message's checked headers and its whole body.
func payload(m *session.Message) ([]session.Header, []byte, error) {
	if m.Truncated {
		return nil, nil, errors.New("comet: message was cut at the capture limit; its body is incomplete")
	}
	body, err := m.Body()
	if err != nil {
		return nil, nil, fmt.Errorf("comet: read body: %w", err)
	}
	var hs []session.Header
	for _, h := range m.Headers {
		if m.Chunked && strings.EqualFold(h.Name, "Transfer-Encoding") {
			continue
		}
		hs = append(hs, h)
	}
	if m.Chunked {
		hs = append(hs, m.Trailers...)
	}
	for _, h := range hs {
		if err := checkToken("header name", h.Name); err != nil {
			return nil, nil, err
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return nil, nil, fmt.Errorf("comet: header %s: value contains a line break or NUL", h.Name)
		}
	}
	if len(body) == 0 {
		body = nil
	} else {
		body = slices.Clone(body)
	}
	return hs, body, nil
}

// checkToken reports an error unless s is a non-empty HTTP token.
func checkToken(what, s string) error {
	if s == "" {
		return fmt.Errorf("comet: empty %s", what)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7F || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return fmt.Errorf("comet: %s %q: byte 0x%02X is not allowed", what, s, c)
		}
	}
	return nil
}

// checkWord reports an error unless s is non-empty without spaces or controls.
func checkWord(what, s string) error {
	if s == "" {
		return fmt.Errorf("comet: empty %s", what)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7F {
			return fmt.Errorf("comet: %s %q: byte 0x%02X is not allowed", what, s, c)
		}
	}
	return nil
}
