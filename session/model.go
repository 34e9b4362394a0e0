// Package session holds the inspector's data model: sessions, exchanges and
// the HTTP messages they carry. It imports neither the relay nor the window.
package session

import (
	"strings"
	"time"
)

// Direction says which peer asked: forward (client asks upstream) or
// reverse (upstream asks client, after a PTTH flip or through COMET).
type Direction uint8

// Directions of an exchange.
const (
	Forward Direction = iota
	Reverse
)

// String returns "forward" or "reverse".
func (d Direction) String() string {
	if d == Reverse {
		return "reverse"
	}
	return "forward"
}

// Transport says how an exchange travelled.
type Transport uint8

// Transports of an exchange.
const (
	HTTP  Transport = iota // plain HTTP/1.x request and response
	PTTH                   // the upgrade exchange or a request on a flipped socket
	COMET                  // a request event and its reply carried inside JSON bodies
)

// String returns "http", "ptth" or "comet".
func (t Transport) String() string {
	switch t {
	case PTTH:
		return "ptth"
	case COMET:
		return "comet"
	}
	return "http"
}

// State is what a session turned out to be.
type State uint8

// Session states.
const (
	StateHTTP    State = iota // plain HTTP so far
	StateFlipped              // PTTH upgrade accepted, roles flipped
	StateComet                // carried COMET events or replies
	StateOpaque               // bytes tunnelled without parsing
)

// String returns "http", "ptth-flipped", "comet" or "opaque".
func (s State) String() string {
	switch s {
	case StateFlipped:
		return "ptth-flipped"
	case StateComet:
		return "comet"
	case StateOpaque:
		return "opaque"
	}
	return "http"
}

// Side names the peer that sent a chunk of bytes, whatever the roles.
type Side uint8

// Sides of a connection.
const (
	FromClient   Side = iota // the peer that connected to the relay (">")
	FromUpstream             // the peer the relay dialled ("<")
)

// Marker returns the transcript marker, ">" or "<".
func (s Side) Marker() string {
	if s == FromUpstream {
		return "<"
	}
	return ">"
}

// Header is one header field exactly as it appeared on the wire.
type Header struct {
	Name  string
	Value string
}

// Hint is a PTTH conformance note about a session or exchange.
type Hint struct {
	Code     string // a stable identifier such as HintNoConnectionUpgrade
	Text     string // a sentence for people
	Exchange string // the exchange it is about, if any
}

// Hint codes recorded by the dissector.
const (
	HintNoConnectionUpgrade = "no-connection-upgrade" // upgrade request without Connection: Upgrade
	HintNoUpgradeOn101      = "101-without-upgrade"   // 101 that names no PTTH upgrade
	HintUpgradeOnHTTP10     = "upgrade-on-http-1.0"   // Upgrade on an HTTP/1.0 request, ignored
	HintContentLengthOn101  = "content-length-on-101" // a 101 carrying Content-Length
	HintUnknownMessageID    = "unknown-message-id"    // COMET reply whose message-id was never sent
	HintUnsolicitedResponse = "unsolicited-response"  // response to a request never sent
	HintBytesAfterClose     = "bytes-after-close"     // bytes after Connection: close
	HintUnparsed            = "unparsed"              // dissection stopped; bytes still relayed
	HintTruncated           = "truncated"             // a header line or body cut at the capture limit
	HintUnofferedUpgrade    = "unoffered-upgrade"     // 101 to a request that offered no upgrade
	HintPaused              = "breakpoint"            // held, edited or dropped at a breakpoint
	HintAnswered            = "answered-by-inspector" // the inspector answered; the upstream never saw it
	HintEarlyResponse       = "early-response"        // a final response sent before its request was complete
	HintBareLF              = "bare-lf"               // head or chunk lines ended in LF without CR
)

// Informational reports whether a hint records something the inspector did
// (a breakpoint, an answer of its own) or something HTTP allows that is
// worth seeing (an early response), rather than a conformance problem.
func (h Hint) Informational() bool {
	return h.Code == HintPaused || h.Code == HintAnswered || h.Code == HintEarlyResponse
}

// Warnings counts the hints that are conformance problems.
func Warnings(hs []Hint) int {
	n := 0
	for _, h := range hs {
		if !h.Informational() {
			n++
		}
	}
	return n
}

// Flip records where a session's roles flipped.
type Flip struct {
	At       time.Time // when the 101's last byte crossed the relay
	Token    string    // the upgrade token, e.g. "PTTH/1.0"
	Exchange string    // the upgrade exchange
	Offset   int64     // offset in the upstream's byte stream of the first reversed byte
}

// Session is one client TCP connection through the relay (COMET exchanges
// pair across connections of the same client and link back to them).
type Session struct {
	ID       string
	Client   string // client address host:port
	Upstream string // upstream address host:port
	Started  time.Time
	Ended    time.Time // zero while the connection is open
	State    State
	Flip     *Flip
	Hints    []Hint
	Error    string // e.g. "unparsed from offset 1234 (client)"
}

// Live reports whether the connection is still open.
func (s *Session) Live() bool { return s.Ended.IsZero() }

// Message is one HTTP/1.x message as it crossed the wire: the exact bytes
// and a parsed view of them.
type Message struct {
	Method    string // requests only
	Target    string // requests only
	Proto     string // "HTTP/1.1", "PTTH/1.0", …
	Status    int    // responses only
	Reason    string // responses only
	Headers   []Header
	Trailers  []Header
	Raw       []byte // exact wire bytes: start line, headers, body framing and body
	HeadLen   int    // how many bytes of Raw are start line, headers and the empty line
	Chunked   bool   // body used chunked transfer coding
	Truncated bool   // bytes beyond the capture limit were relayed but not kept
	BodyLen   int64  // length of the decoded body
	First     time.Time
	Last      time.Time
	Ref       *RawRef // where Raw lives when it is not held in memory
	// BareLF: a line of the head or of the chunked framing ended in LF
	// without CR. Set by the dissector as it reads; not kept in captures
	// (its hint is).
	BareLF bool
}

// IsRequest reports whether the message is a request.
func (m *Message) IsRequest() bool { return m.Method != "" }

// Header returns the first value of the named header, case-insensitively.
func (m *Message) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// StartLine returns the message's first line without its line end.
func (m *Message) StartLine() string {
	if m.IsRequest() {
		return m.Method + " " + m.Target + " " + m.Proto
	}
	return m.Proto + " " + itoa(m.Status) + " " + m.Reason
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Exchange is one request and its response, in either direction.
type Exchange struct {
	ID        string
	Session   string
	Seq       int // 1-based order of the request within its session
	Direction Direction
	Transport Transport
	Request   *Message // nil only for a response to a request never sent
	Original  *Message // the request as its sender sent it, when it was edited at a breakpoint (Request is what went on)
	Response  *Message // nil while pending
	MessageID string   // COMET message-id
	Carriers  []string // COMET exchange: the HTTP exchanges that carried its event and reply
	Carries   []string // HTTP exchange: the COMET exchanges whose event or reply it carried
	ReplayOf  string   // the exchange this one replays
	Injected  bool     // sent by the inspector itself; the answer went to no peer
	Hints     []Hint
	Error     string // e.g. "connection reset before response"
}

// Pending reports whether the exchange still waits for its response.
func (e *Exchange) Pending() bool { return e.Response == nil && e.Error == "" }

// Started returns when the request's first byte crossed the relay.
func (e *Exchange) Started() time.Time {
	if e.Request == nil {
		return time.Time{}
	}
	return e.Request.First
}

// Duration returns the time from the request's first byte to the response's
// last byte, or to the request's when a response sent before the request
// was complete ended first (an early 413 or 101); 0 while pending.
func (e *Exchange) Duration() time.Duration {
	if e.Request == nil || e.Response == nil {
		return 0
	}
	end := e.Response.Last
	if e.Request.Last.After(end) {
		end = e.Request.Last
	}
	return end.Sub(e.Request.First)
}
