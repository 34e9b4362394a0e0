package comet

import (
	"strconv"
	"unicode/utf8"

	"ptth-inspector/session"
)

// EncodeEvent returns e as a JSON object with keys message-id, method, request-uri, http-version, headers, body.
func EncodeEvent(e Event) []byte { return appendEvent(nil, e) }

// EncodeEvents returns es as a JSON array of event objects.
func EncodeEvents(es []Event) []byte { return encodeArray(es, appendEvent) }

// EncodeReply returns r as a JSON object with keys message-id, http-version, status, reason, headers, body.
func EncodeReply(r Reply) []byte { return appendReply(nil, r) }

// EncodeReplies returns rs as a JSON array of reply objects.
func EncodeReplies(rs []Reply) []byte { return encodeArray(rs, appendReply) }

// encodeArray writes items as a JSON array, each with appendOne.
func encodeArray[T any](items []T, appendOne func([]byte, T) []byte) []byte {
	b := []byte{'['}
	for i, it := range items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendOne(b, it)
	}
	return append(b, ']')
}

// Encode writes d as a body: {} or (if List or Empty) [] when empty, one object if one and not List, else events then replies in an array.
func Encode(d Decoded) []byte {
	n := len(d.Events) + len(d.Replies)
	switch {
	case n == 0 && (d.List || d.Empty):
		return []byte("[]")
	case n == 0:
		return []byte("{}")
	case n == 1 && !d.List && len(d.Events) == 1:
		return EncodeEvent(d.Events[0])
	case n == 1 && !d.List:
		return EncodeReply(d.Replies[0])
	}
	b := []byte{'['}
	for i, e := range d.Events {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendEvent(b, e)
	}
	for i, r := range d.Replies {
		if i > 0 || len(d.Events) > 0 {
			b = append(b, ", "...)
		}
		b = appendReply(b, r)
	}
	return append(b, ']')
}

// appendEvent appends one event object.
func appendEvent(b []byte, e Event) []byte {
	b = appendField(b, '{', "message-id")
	b = appendString(b, []byte(e.MessageID))
	b = appendField(b, ',', "method")
	b = appendString(b, []byte(e.Method))
	b = appendField(b, ',', "request-uri")
	b = appendString(b, []byte(e.RequestURI))
	b = appendField(b, ',', "http-version")
	b = appendString(b, []byte(e.HTTPVersion))
	b = appendField(b, ',', "headers")
	b = appendHeaders(b, e.Headers)
	b = appendField(b, ',', "body")
	b = appendString(b, e.Body)
	return append(b, '}')
}

// appendReply appends one reply object.
func appendReply(b []byte, r Reply) []byte {
	b = appendField(b, '{', "message-id")
	b = appendString(b, []byte(r.MessageID))
	b = appendField(b, ',', "http-version")
	b = appendString(b, []byte(r.HTTPVersion))
	b = appendField(b, ',', "status")
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = appendField(b, ',', "reason")
	b = appendString(b, []byte(r.Reason))
	b = appendField(b, ',', "headers")
	b = appendHeaders(b, r.Headers)
	b = appendField(b, ',', "body")
	b = appendString(b, r.Body)
	return append(b, '}')
}

// appendField appends the opening brace or a separator, then "key": .
func appendField(b []byte, lead byte, key string) []byte {
	if lead == '{' {
		b = append(b, '{')
	} else {
		b = append(b, ", "...)
	}
	b = appendString(b, []byte(key))
	return append(b, ": "...)
}

// appendHeaders appends [["name", "value"], …].
func appendHeaders(b []byte, hs []session.Header) []byte {
	b = append(b, '[')
	for i, h := range hs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '[')
		b = appendString(b, []byte(h.Name))
		b = append(b, ", "...)
		b = appendString(b, []byte(h.Value))
		b = append(b, ']')
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a double-quoted JSON string; bytes that are not
// valid UTF-8 are written as \xNN.
func appendString(b, s []byte) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7F:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xF])
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
