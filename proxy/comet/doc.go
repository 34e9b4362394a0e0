// Package comet decodes and encodes the JSON bodies of the Reverse HTTP
// COMET fallback: events (requests the server hands a polling client) and
// replies (the client's answers to them, matched by message-id).
//
// # Decoding
//
// Decode accepts strict JSON and the Python-repr style of the 2008 seed
// transcript: single- or double-quoted strings (optionally u/b-prefixed)
// with JSON and Python escapes (\xNN is a raw byte), True/False/None,
// trailing commas, tuples, Python 2's 200L and whitespace anywhere. Nesting
// is limited to 64 levels. A body is one of three things:
//
//   - COMET (Decoded.OK, nil error): an event, a reply, an array of them
//     (mixed freely), the ack {} (Ack) or the empty poll [] (Empty).
//   - not COMET (not OK, nil error): not starting with { or [, or no object
//     with a message-id plus a COMET field. An object is an event when it
//     has message-id and method or request-uri, a reply when it has
//     message-id and status.
//   - broken COMET (not OK, an *Error): a syntax error in a body that
//     mentions message-id, a COMET object with a bad or missing field, or an
//     array holding COMET objects and something else. The *Error gives the
//     byte offset, line, column and element path (e.g. [1].headers[2]).
//
// message-id may be a string or a number (its text is kept); status a
// number or numeric string from 100 to 999; headers a list of [name, value]
// pairs (or an object), order and case kept; body a string whose bytes are
// kept, empty when missing. Unknown keys are ignored; a duplicate key's last
// value wins. Empty bodies and header lists decode as nil.
//
// # Encoding
//
// The encoders write json.dumps-style JSON (", " and ": " separators) with
// keys in protocol order and message-id always as a string. Strings that
// are valid UTF-8 give strict JSON, which also reads as a Python literal.
// Strict JSON cannot carry other bytes, so those are written as the seed's
// \xNN escape, which Decode reads back byte for byte.
//
// # Views
//
// Event.Request and Reply.Response give session.Message views whose Raw is
// synthesized HTTP/1.1-style bytes (start line, the headers as listed, an
// empty line, the body, no framing added). EventFromRequest and
// ReplyFromResponse invert them for replaying an edited message; a chunked
// message's body is carried whole, its Transfer-Encoding header dropped and
// its trailers appended to the headers.
package comet
