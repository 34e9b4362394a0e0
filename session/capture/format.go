package capture

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"time"

	"ptth-inspector/session"
)

// Version is the capture format version this package writes; it reads
// this one and MinVersion on. Version 2 added messages whose bytes are a
// run of chunk records.
const Version = 2

// MinVersion is the oldest capture format version this package reads.
const MinVersion = 1

// Magic opens every capture file; the version byte follows it.
const Magic = "PTTHCAP"

// MaxRecord is the largest record payload accepted, in bytes.
const MaxRecord = 256 << 20

// InlineRaw is the largest message Raw handed over in memory by Scan; larger
// ones come back as a session.RawRef into the open file.
const InlineRaw = 64 << 10

const (
	fileHdrLen = len(Magic) + 1 // magic and version byte
	frameLen   = 9              // u32 length, kind byte, u32 CRC
	maxChunk   = 16 << 20       // Writer.Chunk splits larger chunks
	zeroTime   = math.MinInt64  // stands for the zero time.Time
)

// Record kinds.
const (
	kindSession  = 'S'
	kindExchange = 'X'
	kindChunk    = 'C'
	kindIndex    = 'I'
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrNotCapture is wrapped by Open when a file is not a capture at all.
var ErrNotCapture = errors.New("not a PTTH Inspector capture")

// ErrVersion is wrapped by Open when a capture has an unsupported version.
var ErrVersion = errors.New("unsupported PTTH Inspector capture version")

// ErrClosed is returned by a Writer after Close.
var ErrClosed = errors.New("capture writer closed")

// ErrTooLarge is returned for a record over MaxRecord; nothing is written
// and the writer stays usable.
var ErrTooLarge = errors.New("capture record too large")

func validKind(k byte) bool {
	return k == kindSession || k == kindExchange || k == kindChunk || k == kindIndex
}

// frameCRC returns the checksum of a frame: length and kind bytes, then the
// payload pieces.
func frameCRC(hdr []byte, parts ...[]byte) uint32 {
	c := crc32.Update(0, castagnoli, hdr[:5])
	for _, p := range parts {
		c = crc32.Update(c, castagnoli, p)
	}
	return c
}

func putFrame(hdr []byte, kind byte, n int) {
	binary.LittleEndian.PutUint32(hdr[0:4], uint32(n))
	hdr[4] = kind
}

func timeNanos(t time.Time) int64 {
	if t.IsZero() {
		return zeroTime
	}
	return t.UnixNano()
}

func nanosTime(n int64) time.Time {
	if n == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, n)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	return binary.LittleEndian.AppendUint64(b, uint64(timeNanos(t)))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendHints(b []byte, hs []session.Hint) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for i := range hs {
		b = appendString(b, hs[i].Code)
		b = appendString(b, hs[i].Text)
		b = appendString(b, hs[i].Exchange)
	}
	return b
}

func appendHeaders(b []byte, hs []session.Header) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for i := range hs {
		b = appendString(b, hs[i].Name)
		b = appendString(b, hs[i].Value)
	}
	return b
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// appendSession encodes a session record payload.
func appendSession(b []byte, idx uint64, s *session.Session) []byte {
	b = binary.AppendUvarint(b, idx)
	b = appendString(b, s.ID)
	b = appendString(b, s.Client)
	b = appendString(b, s.Upstream)
	b = appendTime(b, s.Started)
	b = appendTime(b, s.Ended)
	b = append(b, byte(s.State))
	b = appendBool(b, s.Flip != nil)
	if f := s.Flip; f != nil {
		b = appendTime(b, f.At)
		b = appendString(b, f.Token)
		b = appendString(b, f.Exchange)
		b = binary.AppendVarint(b, f.Offset)
	}
	b = appendHints(b, s.Hints)
	return appendString(b, s.Error)
}

// Message flags.
const (
	msgChunked   = 1
	msgTruncated = 2
	msgInChunks  = 4 // Raw is a run of chunk records, not in the exchange record
	msgEarlier   = 8 // Raw is bytes an earlier record of the file holds
)

// appendMessage encodes a message's fields. Its Raw bytes (rawLen of them)
// are stored after the exchange's metadata, or, when kept is not nil, are
// where kept says (at is the exchange record's offset).
func appendMessage(b []byte, m *session.Message, rawLen int64, kept *stored, at int64) []byte {
	b = appendBool(b, m != nil)
	if m == nil {
		return b
	}
	var flags byte
	if m.Chunked {
		flags |= msgChunked
	}
	if m.Truncated {
		flags |= msgTruncated
	}
	switch {
	case kept != nil && kept.earlier:
		flags |= msgEarlier
		rawLen = m.Ref.Len
	case kept != nil:
		flags |= msgInChunks
		rawLen = m.Ref.Len
	}
	b = append(b, flags)
	b = appendString(b, m.Method)
	b = appendString(b, m.Target)
	b = appendString(b, m.Proto)
	b = binary.AppendVarint(b, int64(m.Status))
	b = appendString(b, m.Reason)
	b = appendHeaders(b, m.Headers)
	b = appendHeaders(b, m.Trailers)
	b = binary.AppendUvarint(b, uint64(rawLen))
	b = binary.AppendVarint(b, int64(m.HeadLen))
	b = binary.AppendVarint(b, m.BodyLen)
	b = appendTime(b, m.First)
	b = appendTime(b, m.Last)
	switch {
	case kept != nil && kept.earlier:
		b = binary.AppendUvarint(b, uint64(at-kept.at))
	case kept != nil:
		b = binary.AppendUvarint(b, kept.run.idx)
		b = append(b, byte(kept.run.side))
		b = binary.AppendUvarint(b, uint64(at-kept.run.rec))
		b = binary.AppendUvarint(b, uint64(kept.run.skip))
	}
	return b
}

// Flags of an exchange record.
const (
	exInjected = 1 // sent by the inspector itself
	exOriginal = 2 // edited at a breakpoint: the original request and its Raw follow the flags
)

// appendExchange encodes the metadata of an exchange recorded at offset at:
// its messages' bytes are raws, or where kept says when not nil; orig is
// the Raw of e.Original (the request before an edit), which the metadata
// holds itself.
func appendExchange(b []byte, e *session.Exchange, at int64, raws [2][]byte, kept [2]*stored, orig []byte) []byte {
	b = appendString(b, e.ID)
	b = appendString(b, e.Session)
	b = binary.AppendVarint(b, int64(e.Seq))
	b = append(b, byte(e.Direction), byte(e.Transport))
	b = appendMessage(b, e.Request, int64(len(raws[0])), kept[0], at)
	b = appendMessage(b, e.Response, int64(len(raws[1])), kept[1], at)
	b = appendString(b, e.MessageID)
	b = appendStrings(b, e.Carriers)
	b = appendStrings(b, e.Carries)
	b = appendString(b, e.ReplayOf)
	b = appendHints(b, e.Hints)
	b = appendString(b, e.Error)
	var flags byte
	if e.Injected {
		flags |= exInjected
	}
	if e.Original != nil {
		flags |= exOriginal
	}
	b = append(b, flags)
	if e.Original != nil {
		b = appendMessage(b, e.Original, int64(len(orig)), nil, at)
		b = append(b, orig...)
	}
	return b
}
