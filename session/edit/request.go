package edit

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"ptth-inspector/session"
)

// Request is an editable HTTP/1.x request.
type Request struct {
	Method, Target, Proto string
	Headers               []session.Header
	Body                  []byte // the payload as sent; with AutoLength off, framing included
	AutoLength            bool   // Bytes sets Content-Length to len(Body) and drops Transfer-Encoding
	Note                  string // why FromMessage changed the framing, for the editor to show; never sent

	orig *origin // the captured bytes, reused while nothing is edited
}

// origin holds a captured request's exact bytes and the fields they gave.
type origin struct {
	raw  []byte
	snap Request
}

// Equal reports whether r and o have the same start line, headers, body
// and AutoLength; Note and the remembered capture are not compared.
func (r Request) Equal(o Request) bool {
	return r.Method == o.Method && r.Target == o.Target && r.Proto == o.Proto &&
		r.AutoLength == o.AutoLength && slices.Equal(r.Headers, o.Headers) && bytes.Equal(r.Body, o.Body)
}

// Clone returns a copy of r that shares no slices with it.
func (r Request) Clone() Request {
	r.Headers = slices.Clone(r.Headers)
	r.Body = bytes.Clone(r.Body)
	return r
}

// Header returns the first value of the named header, case-insensitively.
func (r Request) Header(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// StartLine returns "METHOD TARGET PROTO", without PROTO when it is empty.
func (r Request) StartLine() string {
	if r.Proto == "" {
		return r.Method + " " + r.Target
	}
	return r.Method + " " + r.Target + " " + r.Proto
}

// Unedited reports whether r still has the fields of the message FromMessage
// made it from, so that Bytes returns the captured bytes.
func (r Request) Unedited() bool { return r.orig != nil && r.Equal(r.orig.snap) }

// WireHeaders returns the headers as Bytes writes them: with AutoLength on,
// Transfer-Encoding removed and Content-Length set to len(Body) (the first
// one updated, others removed, one added at the end when missing and the
// body is not empty); with it off, Headers unchanged.
func (r Request) WireHeaders() []session.Header {
	if !r.AutoLength {
		return slices.Clone(r.Headers)
	}
	n := strconv.Itoa(len(r.Body))
	out := make([]session.Header, 0, len(r.Headers)+1)
	set := false
	for _, h := range r.Headers {
		switch {
		case strings.EqualFold(h.Name, "Transfer-Encoding"):
			continue
		case strings.EqualFold(h.Name, "Content-Length"):
			if set {
				continue
			}
			h.Value, set = n, true
		}
		out = append(out, h)
	}
	if !set && len(r.Body) > 0 {
		out = append(out, session.Header{Name: "Content-Length", Value: n})
	}
	return out
}

// Bytes returns the request's wire bytes: the start line, WireHeaders and
// an empty line, all with CRLF, then Body. An unedited request from
// FromMessage gives back its captured bytes.
func (r Request) Bytes() []byte {
	if r.Unedited() {
		return bytes.Clone(r.orig.raw)
	}
	return r.render(r.WireHeaders())
}

func (r Request) render(hs []session.Header) []byte {
	n := len(r.Method) + len(r.Target) + len(r.Proto) + 6 + len(r.Body)
	for _, h := range hs {
		n += len(h.Name) + len(h.Value) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, r.StartLine()...)
	b = append(b, "\r\n"...)
	for _, h := range hs {
		b = append(b, h.Name...)
		b = append(b, ':')
		if h.Value != "" {
			b = append(b, ' ')
			b = append(b, h.Value...)
		}
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, r.Body...)
}

// Message returns a session.Message view of the request as Bytes writes
// it: Raw is Bytes(), Headers are the written headers, and a request still
// framed as chunked (AutoLength off) is marked Chunked with BodyLen its
// decoded length.
func (r Request) Message() *session.Message {
	raw := r.Bytes()
	hs := r.WireHeaders()
	if r.Unedited() {
		hs = slices.Clone(r.Headers)
	}
	m := &session.Message{
		Method: r.Method, Target: r.Target, Proto: r.Proto, Headers: hs,
		Raw: raw, HeadLen: len(raw) - len(r.Body), BodyLen: int64(len(r.Body)),
	}
	if chunkedFraming(hs) {
		m.Chunked = true
		body, _ := session.Dechunk(r.Body)
		m.BodyLen = int64(len(body))
	}
	return m
}

// FramingOK reports whether the headers already frame the body the way
// AutoLength would: no Transfer-Encoding and exactly one Content-Length
// equal to len(Body), or neither header and an empty body.
func (r Request) FramingOK() bool { return framingOK(r.Headers, r.Body) }

func framingOK(hs []session.Header, body []byte) bool {
	cl := 0
	for _, h := range hs {
		switch {
		case strings.EqualFold(h.Name, "Transfer-Encoding"):
			return false
		case strings.EqualFold(h.Name, "Content-Length"):
			if cl++; h.Value != strconv.Itoa(len(body)) {
				return false
			}
		}
	}
	return cl == 1 || cl == 0 && len(body) == 0
}

// chunkedFraming reports whether the last Transfer-Encoding coding is
// chunked.
func chunkedFraming(hs []session.Header) bool {
	te := ""
	for _, h := range hs {
		if strings.EqualFold(h.Name, "Transfer-Encoding") {
			te = h.Value
		}
	}
	codings := strings.Split(te, ",")
	return strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked")
}
