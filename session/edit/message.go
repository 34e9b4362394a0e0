package edit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ptth-inspector/session"
)

// ErrTruncated is returned, with the request that was kept, by FromMessage
// for a message cut at the capture limit: its body is incomplete.
var ErrTruncated = errors.New("the capture kept only part of this request's body")

// FromMessage makes an editable request from a captured one. The body is
// the decoded payload (chunked framing removed, content encoding kept).
// When the original was chunked, the request switches to Content-Length
// (AutoLength on, Transfer-Encoding dropped) and Note says so; otherwise
// AutoLength is on when the headers already frame the body, and Bytes
// reproduces the captured bytes exactly until something is edited.
func FromMessage(m *session.Message) (Request, error) {
	if m == nil {
		return Request{}, errors.New("edit: no message")
	}
	if !m.IsRequest() {
		return Request{}, fmt.Errorf("edit: %q is a response, not a request", m.StartLine())
	}
	body, err := m.Body()
	r := Request{Method: m.Method, Target: m.Target, Proto: m.Proto,
		Headers: slices.Clone(m.Headers), Body: bytes.Clone(body)}
	switch {
	case m.Truncated:
		r.AutoLength = true
		r.Headers = r.WireHeaders()
		r.Note = fmt.Sprintf("The capture kept only %d bytes of the body; Content-Length now says %d.", len(body), len(body))
		return r, ErrTruncated
	case err != nil:
		return Request{}, fmt.Errorf("edit: body of %q: %w", m.StartLine(), err)
	case m.Chunked:
		r.AutoLength = true
		r.Headers = r.WireHeaders()
		r.Note = fmt.Sprintf("The original body was chunked; the editor sends its %d bytes whole, with Content-Length.", len(body))
		if len(body) == 0 {
			r.Note = "The original body was chunked and empty; the editor sends no body and no Transfer-Encoding."
		}
		if len(m.Trailers) > 0 {
			names := make([]string, len(m.Trailers))
			for i, t := range m.Trailers {
				names[i] = t.Name
			}
			r.Note += " Its trailers (" + strings.Join(names, ", ") + ") are not sent."
		}
		return r, nil
	}
	r.AutoLength = framingOK(r.Headers, r.Body)
	raw, err := m.Wire()
	if err == nil && len(raw) == m.HeadLen+len(body) {
		r.orig = &origin{raw: bytes.Clone(raw), snap: r.Clone()}
	}
	return r, nil
}
