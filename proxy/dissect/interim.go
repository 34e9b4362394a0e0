package dissect

import (
	"slices"
	"time"

	"ptth-inspector/session"
)

// Interim (1xx) responses other than 101 precede the final response to the
// same request: 100 Continue, 102 Processing, 103 Early Hints. Their bytes
// are kept at the start of the final response's Raw (HeadLen covers them),
// so every export that carries wire bytes keeps them, and
// session.Message.Interim names them.

// holdInterim keeps an interim response from side until the final one.
func (c *Conn) holdInterim(side session.Side, m *session.Message) {
	h := &c.interim[side]
	if h.raw == nil {
		h.first = m.First
	}
	h.raw = append(h.raw, m.Raw...)
	h.last = m
}

// withInterim returns the final response m from side with the interim
// responses held before it prefixed. A final response whose bytes were
// left to the capture file (not in memory) goes without them; they stay
// in the raw byte stream.
func (c *Conn) withInterim(side session.Side, m *session.Message) *session.Message {
	h := &c.interim[side]
	if h.raw == nil {
		return m
	}
	raw, first := h.raw, h.first
	*h = interimHeld{}
	if m.Raw == nil && m.Ref != nil {
		return m
	}
	out := *m
	out.Raw = append(slices.Clip(raw), m.Raw...)
	out.HeadLen += len(raw)
	out.First = first
	return &out
}

// interimHeld is the interim responses a side sent since its last final one.
type interimHeld struct {
	raw   []byte
	first time.Time
	last  *session.Message // the latest of them
}

// interimOnly returns the interim responses the answering side sent when
// the connection ended before the final one, as the response they are
// (the last one's start line and headers over all their bytes), or nil.
func (c *Conn) interimOnly() *session.Message {
	h := &c.interim[c.answerSide()]
	if h.last == nil {
		return nil
	}
	m := *h.last
	m.Raw, m.HeadLen, m.First = h.raw, len(h.raw), h.first
	*h = interimHeld{}
	return &m
}
