// Package wire is a tolerant, incremental, sans-io reader of HTTP/1.x
// messages. It is fed the bytes one side of a connection sent, in as many
// pieces as they arrived, and reports each message byte for byte: header
// names keep their case, malformed-but-readable input is shown as it was and
// only input that is clearly not HTTP stops the reader.
package wire

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"ptth-inspector/session"
)

// Kind says whether a Reader expects requests or responses.
type Kind uint8

// Kinds of message stream.
const (
	Requests  Kind = iota // the stream carries requests
	Responses             // the stream carries responses
)

// String returns "requests" or "responses".
func (k Kind) String() string {
	if k == Responses {
		return "responses"
	}
	return "requests"
}

// Handler receives what the reader finds. Calls happen synchronously inside
// Feed, Close and Resume, in stream order.
type Handler interface {
	// NoBody is called for a response head whose status allows a body (not
	// 1xx, 204 or 304), after the head is parsed and before its body, and
	// reports whether it must have no body because of the request it answers
	// (e.g. HEAD).
	NoBody(resp *session.Message) bool
	// Message is called for each complete message. It may call SetKind,
	// Pause or Tunnel on the reader; the very next byte honours that.
	Message(m *session.Message)
	// Incomplete is called at Close for a message cut short (head or body),
	// with the bytes seen so far.
	Incomplete(m *session.Message, err error)
	// Broken is called once when the stream cannot be parsed any more;
	// offset is where the unparsed message began (equal to Offset()). After
	// it the reader ignores all bytes.
	Broken(offset int64, err error)
}

// Limits bound what a Reader keeps. Zero fields take their defaults.
type Limits struct {
	MaxLine        int   // longest line kept whole (default 64 KiB, at least 64); longer lines are cut
	MaxHeaderBytes int   // most head (or trailer) bytes per message (default 1 MiB); more breaks the stream
	MaxBody        int64 // most body bytes kept in Raw, chunk framing included (default 32 MiB)
}

// Default limits.
const (
	DefaultMaxLine        = 64 << 10 // Limits.MaxLine
	DefaultMaxHeaderBytes = 1 << 20  // Limits.MaxHeaderBytes
	DefaultMaxBody        = 32 << 20 // Limits.MaxBody
)

// minLine is the smallest MaxLine accepted; a start line needs some room.
const minLine = 64

func (l Limits) withDefaults() Limits {
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	l.MaxLine = max(l.MaxLine, minLine)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	l.MaxLine = min(l.MaxLine, 1<<30)
	l.MaxHeaderBytes = min(l.MaxHeaderBytes, 1<<30)
	l.MaxBody = min(l.MaxBody, 1<<46)
	return l
}

// Errors passed to Incomplete (wrapped with details).
var (
	ErrHeadCutShort = errors.New("closed before the end of the head") // start line or headers cut short
	ErrBodyCutShort = errors.New("closed before the end of the body") // body, chunk framing or trailers cut short
)

// SyntaxError is the error passed to Broken: what was wrong and the exact
// stream offset of the line or byte that was.
type SyntaxError struct {
	At  int64  // stream offset of the offending line or byte
	Msg string // what was wrong
}

// Error returns the message and the offset.
func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.At) }

// state is where the reader is within a message.
type state uint8

const (
	stStart      state = iota // start line, skipping empty lines before it
	stHead                    // header lines
	stBodyLen                 // Content-Length body
	stBodyClose               // body read until Close
	stChunkSize               // chunk-size line
	stChunkData               // chunk data
	stChunkEnd                // CR or LF after chunk data
	stChunkEndLF              // LF after chunk data and CR
	stTrailer                 // trailer lines
	stBroken                  // parsing stopped on an error
	stTunnel                  // parsing stopped on request
	stClosed                  // Close was called
)

// segment is a run of bytes buffered while paused, with the time of the
// Feed that brought it.
type segment struct {
	end int
	t   time.Time
}

// maxSegments bounds the timestamps kept while paused; later Feeds share
// the last one.
const maxSegments = 64

// Reader parses one direction of an HTTP/1.x connection. It is not safe for
// concurrent use.
type Reader struct {
	h    Handler
	lim  Limits
	kind Kind
	st   state

	offset   int64 // bytes consumed by complete messages and skipped lines
	msgWire  int64 // wire bytes of the current message so far (complete lines)
	first    time.Time
	busy     bool // inside the parse loop
	paused   bool
	pbuf     []byte
	psegs    []segment
	closing  bool // Close arrived while paused
	closeAt  time.Time
	startOK  bool // the pending start line's prefix was checked and looks like HTTP
	headKind Kind // kind of the message being parsed
	spool    Spool
	spoolAt  int // kept bytes past which a message spools

	lineState
	headState
	bodyState
}

// NewReader returns a reader of kind k that reports to h.
func NewReader(k Kind, h Handler, lim Limits) *Reader {
	r := &Reader{h: h, lim: lim.withDefaults(), kind: k}
	r.lineState.max = r.lim.MaxLine
	return r
}

// Spool is where a Reader can read back bytes of its stream that were
// recorded elsewhere (a capture file's chunk records), so that a long
// message need not be held in memory.
type Spool interface {
	// At returns a reader of the stream from offset off on (the bytes fed
	// so far, and later ones as they are fed), or nil when those bytes
	// cannot be read back.
	At(off int64) io.ReaderAt
}

// SetSpool makes a message whose kept bytes would pass over come back with
// Raw nil and a Ref that reads all its bytes from s, when s can give them
// and the head was kept exactly. Such a message is not cut at MaxBody: its
// bytes are not in memory.
func (r *Reader) SetSpool(s Spool, over int) { r.spool, r.spoolAt = s, over }

// SetKind changes what the reader expects from the next message on; a
// message already begun finishes as what it was.
func (r *Reader) SetKind(k Kind) { r.kind = k }

// Kind returns what the reader expects next.
func (r *Reader) Kind() Kind { return r.kind }

// Offset returns how many stream bytes complete messages (and empty lines
// between them) took so far.
func (r *Reader) Offset() int64 { return r.offset }

// dead reports whether the reader ignores all further bytes.
func (r *Reader) dead() bool { return r.st >= stBroken }

// Parsing reports whether the reader still reads messages: not tunnelled,
// not broken, and not paused.
func (r *Reader) Parsing() bool { return !r.dead() && !r.paused }

// Feed parses p, which arrived at now. It never retains p.
func (r *Reader) Feed(p []byte, now time.Time) {
	if r.dead() || len(p) == 0 {
		return
	}
	if r.paused {
		r.buffer(p, now)
		return
	}
	r.run(p, now)
}

// run parses p until it is used up, the reader is paused or it stops.
func (r *Reader) run(p []byte, t time.Time) {
	r.busy = true
	defer func() { r.busy = false }()
	for len(p) > 0 && !r.dead() {
		if r.paused {
			r.buffer(p, t)
			return
		}
		p = p[r.step(p, t):]
	}
}

// step parses a prefix of p and returns its length.
func (r *Reader) step(p []byte, t time.Time) int {
	switch r.st {
	case stStart:
		return r.stepStart(p, t)
	case stHead:
		return r.stepHead(p, t)
	case stChunkSize:
		return r.stepChunkSize(p, t)
	case stTrailer:
		return r.stepTrailer(p, t)
	}
	return r.stepBody(p, t)
}

// Pause makes the reader buffer further bytes without parsing them until
// Resume. Buffering more than MaxHeaderBytes+MaxBody breaks the stream.
func (r *Reader) Pause() {
	if !r.dead() {
		r.paused = true
	}
}

// Resume parses what was buffered since Pause, then performs a Close that
// arrived meanwhile. Buffered bytes keep the times of the Feeds that brought
// them and the Close its own time, so now is not needed to stamp anything.
func (r *Reader) Resume(now time.Time) {
	if !r.paused {
		return
	}
	r.paused = false
	if r.busy || r.dead() {
		return // the running parse loop goes on with the next byte
	}
	buf, segs := r.pbuf, r.psegs
	r.pbuf, r.psegs = nil, nil
	start := 0
	for _, s := range segs {
		r.Feed(buf[start:s.end], s.t)
		start = s.end
	}
	if r.closing && !r.paused {
		r.closing = false
		r.Close(r.closeAt)
	}
}

// buffer keeps p while paused.
func (r *Reader) buffer(p []byte, t time.Time) {
	if int64(len(r.pbuf)+len(p)) > int64(r.lim.MaxHeaderBytes)+r.lim.MaxBody {
		r.pbuf, r.psegs = nil, nil
		r.paused = false
		r.brk(r.offset+r.msgWire, "more bytes arrived while paused than the limits allow")
		return
	}
	r.pbuf = append(r.pbuf, p...)
	if n := len(r.psegs); n > 0 && (n == maxSegments || r.psegs[n-1].t.Equal(t)) {
		r.psegs[n-1] = segment{len(r.pbuf), t}
		return
	}
	r.psegs = append(r.psegs, segment{len(r.pbuf), t})
}

// Tunnel stops parsing for good: all further bytes are ignored, and so is
// the message in progress. It is not an error.
func (r *Reader) Tunnel() {
	if r.dead() {
		return
	}
	r.st = stTunnel
	r.release()
}

// brk stops the reader on a syntax error found at stream offset at.
func (r *Reader) brk(at int64, msg string) {
	r.st = stBroken
	r.release()
	r.h.Broken(r.offset, &SyntaxError{At: at, Msg: msg})
}

// release drops everything the reader holds.
func (r *Reader) release() {
	r.paused, r.closing = false, false
	r.pbuf, r.psegs = nil, nil
	r.lineState = lineState{max: r.lim.MaxLine}
	r.headState = headState{}
	r.bodyState = bodyState{}
}

// Close tells the reader its side sent EOF at now: a body read until close
// completes, any other message in progress is reported to Incomplete. A
// Close while paused takes effect at Resume.
func (r *Reader) Close(now time.Time) {
	if r.dead() {
		return
	}
	if r.paused {
		r.closing, r.closeAt = true, now
		return
	}
	st := r.st
	switch st {
	case stStart:
		if r.lwire > 0 && !(r.lwire == 1 && r.llast == '\r') {
			r.h.Incomplete(r.partialHead(now), fmt.Errorf("%w: start line cut short", ErrHeadCutShort))
		}
	case stHead:
		r.h.Incomplete(r.partialHead(now), fmt.Errorf("%w: after %d header lines", ErrHeadCutShort, r.lines))
	case stBodyClose:
		r.complete(now)
	default:
		r.h.Incomplete(r.partialBody(st, now), r.bodyErr(st))
	}
	if !r.dead() {
		r.st = stClosed
		r.release()
	}
}

// Begun returns a copy of the message in progress, as far as it came (its
// head, without body bytes), stamped last at now; nil between messages,
// when only empty lines came, or when the reader no longer parses. A peer
// may answer a request before it is complete (a 413 during an upload).
func (r *Reader) Begun(now time.Time) *session.Message {
	switch r.st {
	case stStart:
		if r.lwire == 0 || (r.lwire == 1 && r.llast == '\r') {
			return nil
		}
		return r.partialHead(now)
	case stHead:
		return r.partialHead(now)
	case stBroken, stTunnel, stClosed:
		return nil
	}
	m := *r.m
	m.Raw = slices.Clone(m.Raw[:min(m.HeadLen, len(m.Raw))])
	m.HeadLen, m.BodyLen, m.Chunked, m.Trailers, m.Ref = len(m.Raw), 0, false, nil, nil
	m.Last = now
	return &m
}

// ResumeBefore parses, as what the reader expects now, the bytes buffered
// since Pause that arrived at or before t, and stays paused with the rest.
// At a switch of protocols it reads what was sent before the switch could
// be known in the old protocol.
func (r *Reader) ResumeBefore(t time.Time) {
	if !r.paused || r.busy || r.dead() {
		return
	}
	k := 0
	for k < len(r.psegs) && !r.psegs[k].t.After(t) {
		k++
	}
	if k == 0 {
		return
	}
	buf, segs := r.pbuf, r.psegs
	r.pbuf, r.psegs, r.paused = nil, nil, false
	start := 0
	for _, s := range segs[:k] {
		r.Feed(buf[start:s.end], s.t) // buffers again if a message pauses it
		start = s.end
	}
	if r.dead() {
		return
	}
	for _, s := range segs[k:] {
		r.buffer(buf[start:s.end], s.t)
		start = s.end
	}
	r.paused = true
}
