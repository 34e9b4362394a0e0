package pack

import (
	"encoding/binary"
	"time"

	"ptth-inspector/session"
)

// A packed exchange is, in order (uvarint/varint as in encoding/binary):
//
//	str ID, str Session, varint Seq, byte Direction, byte Transport,
//	byte flags (1 Injected, 2 Original), 8 bytes base time (Unix nanos; 0 when none),
//	message Request, message Response, str MessageID, strs Carriers,
//	strs Carries, str ReplayOf, hints, str Error, [message Original when
//	flags has 2]
//
// message: byte flags (0 = nil; else 1 present, 2 Chunked, 4 Truncated,
// 8 trailers follow, 16 Raw in the arena, 32 Raw on disk), str Method,
// Target, Proto, varint Status, str Reason, then two sections a reader may
// skip, each a uvarint byte length and its bytes: headers and [trailers];
// varint HeadLen, varint BodyLen, time First, Last, [uvarint reader,
// uvarint offset, uvarint len of the bytes on disk]. Last, [uvarint len and
// the Raw bytes].
//
// str: uvarint v; v&1 = 1: the table's string v>>1; else v>>1 bytes follow.
// header: uvarint v; v&1 = 1: the header table's line v>>1; else (v = 0)
// str Name, str Value.
// time: uvarint 0 for the zero time; 1, varint seconds and uvarint
// nanoseconds for a time far from now (see nearNow); else zig-zag(nanos -
// base) + 2.
// headers, hints and strs: a uvarint count, then their strings.

// Exchange flags.
const (
	exInjected = 1 // sent by the inspector itself
	exOriginal = 2 // edited at a breakpoint: message Original follows Error
)

// Message flags.
const (
	msgPresent   = 1
	msgChunked   = 2
	msgTruncated = 4
	msgTrailers  = 8
	msgRawInline = 16
	msgRawRef    = 32
)

func (a *Arena) appendExchange(b []byte, e *session.Exchange) []byte {
	b = appendLiteral(b, e.ID)
	b = a.appendStr(b, e.Session)
	b = binary.AppendVarint(b, int64(e.Seq))
	var flags byte
	if e.Injected {
		flags |= exInjected
	}
	if e.Original != nil {
		flags |= exOriginal
	}
	b = append(b, byte(e.Direction), byte(e.Transport), flags)
	base := baseTime(e)
	b = binary.LittleEndian.AppendUint64(b, uint64(base))
	b = a.appendMessage(b, e.Request, base)
	b = a.appendMessage(b, e.Response, base)
	b = a.appendStr(b, e.MessageID)
	b = a.appendStrs(b, e.Carriers)
	b = a.appendStrs(b, e.Carries)
	b = a.appendStr(b, e.ReplayOf)
	b = binary.AppendUvarint(b, uint64(len(e.Hints)))
	for _, h := range e.Hints {
		b = a.appendStr(a.appendStr(a.appendStr(b, h.Code), h.Text), h.Exchange)
	}
	b = a.appendStr(b, e.Error)
	if e.Original != nil {
		b = a.appendMessage(b, e.Original, base)
	}
	return b
}

// baseTime is the time the exchange's other times are stored relative to.
func baseTime(e *session.Exchange) int64 {
	for _, m := range []*session.Message{e.Request, e.Response} {
		if m != nil && !m.First.IsZero() && nearNow(m.First) {
			return m.First.UnixNano()
		}
	}
	return 0
}

// deltaSpan bounds the times stored as nanosecond deltas (years ~1843 to
// ~2096): two of them never differ by more than an int64 holds.
const deltaSpan = 4e9 // seconds either side of 1970

func nearNow(t time.Time) bool { s := t.Unix(); return s > -deltaSpan && s < deltaSpan }

func (a *Arena) appendMessage(b []byte, m *session.Message, base int64) []byte {
	if m == nil {
		return append(b, 0)
	}
	flags := byte(msgPresent)
	if m.Chunked {
		flags |= msgChunked
	}
	if m.Truncated {
		flags |= msgTruncated
	}
	if len(m.Trailers) > 0 {
		flags |= msgTrailers
	}
	if m.Raw != nil {
		flags |= msgRawInline
	}
	if m.Ref != nil {
		flags |= msgRawRef
	}
	b = append(b, flags)
	b = a.appendStr(a.appendStr(a.appendStr(b, m.Method), m.Target), m.Proto)
	b = binary.AppendVarint(b, int64(m.Status))
	b = a.appendStr(b, m.Reason)
	sec := a.appendHeaders(a.sec[:0], m.Headers)
	if flags&msgTrailers != 0 {
		sec = a.appendHeaders(sec, m.Trailers)
	}
	b = appendSection(b, sec)
	sec = binary.AppendVarint(sec[:0], int64(m.HeadLen))
	sec = binary.AppendVarint(sec, m.BodyLen)
	sec = appendTime(appendTime(sec, m.First, base), m.Last, base)
	if r := m.Ref; r != nil {
		sec = binary.AppendUvarint(sec, a.reader(r.R))
		sec = binary.AppendUvarint(sec, uint64(r.Off))
		sec = binary.AppendUvarint(sec, uint64(r.Len))
	}
	b = appendSection(b, sec)
	a.sec = sec
	if flags&msgRawInline != 0 {
		b = appendSection(b, m.Raw)
	}
	return b
}

func appendSection(b, sec []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(sec))), sec...)
}

func (a *Arena) appendHeaders(b []byte, hs []session.Header) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		if i, ok := a.internPair(h); ok {
			b = binary.AppendUvarint(b, uint64(i)<<1|1)
		} else {
			b = a.appendStr(a.appendStr(append(b, 0), h.Name), h.Value)
		}
	}
	return b
}

func (a *Arena) appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = a.appendStr(b, s)
	}
	return b
}

// appendStr writes a table reference when s repeats, else s itself.
func (a *Arena) appendStr(b []byte, s string) []byte {
	if i, ok := a.intern(s); ok {
		return binary.AppendUvarint(b, uint64(i)<<1|1)
	}
	return appendLiteral(b, s)
}

func appendLiteral(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

// appendTime writes 0 for the zero time, 1 and the seconds and nanoseconds
// for a time far from now (a placeholder such as 1601-01-01), else the
// zig-zag delta from base plus 2.
func appendTime(b []byte, t time.Time, base int64) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	if !nearNow(t) {
		b = binary.AppendVarint(append(b, 1), t.Unix())
		return binary.AppendUvarint(b, uint64(t.Nanosecond()))
	}
	d := t.UnixNano() - base
	return binary.AppendUvarint(b, uint64(d<<1^d>>63)+2)
}
