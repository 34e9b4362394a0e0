package filter

import (
	"strings"

	"ptth-inspector/session"
)

// Match reports whether the exchange passes every term of the query.
func (q *Query) Match(e *session.Exchange) bool {
	if q == nil || e == nil {
		return q.Empty()
	}
	for _, t := range q.terms {
		if t.match.match(e) == t.neg {
			return false
		}
	}
	for _, w := range q.text {
		if !w.match(e) {
			return false
		}
	}
	return true
}

// TermsOnly returns the query without its free-text words, for callers that
// search text some other way.
func (q *Query) TermsOnly() *Query {
	if q == nil {
		return nil
	}
	return &Query{src: q.src, terms: q.terms}
}

// Words returns a test per free-text word, all of which must hold: each
// reports whether a piece of an exchange's text holds its word, ignoring
// ASCII case. For sources that search text where it lies (pack.Finder).
func (q *Query) Words() []func(b []byte) bool {
	if q == nil {
		return nil
	}
	out := make([]func([]byte) bool, len(q.text))
	for i, w := range q.text {
		out[i] = w.nd.in
	}
	return out
}

// TermsReadText reports whether a term other than the free-text words reads
// an exchange's text (a negated word does).
func (q *Query) TermsReadText() bool {
	if q == nil {
		return false
	}
	for _, t := range q.terms {
		if _, ok := t.match.(*textMatcher); ok {
			return true
		}
	}
	return false
}

type term struct {
	neg   bool
	match matcher
}

type matcher interface {
	match(e *session.Exchange) bool
}

type anyOf []matcher

func (a anyOf) match(e *session.Exchange) bool {
	for _, m := range a {
		if m.match(e) {
			return true
		}
	}
	return false
}

type dirIs session.Direction

func (d dirIs) match(e *session.Exchange) bool { return e.Direction == session.Direction(d) }

type transportIs session.Transport

func (t transportIs) match(e *session.Exchange) bool { return e.Transport == session.Transport(t) }

type methodIs string

func (m methodIs) match(e *session.Exchange) bool {
	return e.Request != nil && strings.EqualFold(e.Request.Method, string(m))
}

type statusRange struct{ lo, hi int }

func (r statusRange) match(e *session.Exchange) bool {
	return e.Response != nil && e.Response.Status >= r.lo && e.Response.Status <= r.hi
}

type statusNot int

func (n statusNot) match(e *session.Exchange) bool {
	return e.Response == nil || e.Response.Status != int(n)
}

// hintIs matches "any", "none" or a hint code (prefix, case-insensitive).
type hintIs string

func (h hintIs) match(e *session.Exchange) bool {
	switch h {
	case "any":
		return len(e.Hints) > 0
	case "none":
		return len(e.Hints) == 0
	}
	for _, x := range e.Hints {
		if len(x.Code) >= len(h) && strings.EqualFold(x.Code[:len(h)], string(h)) {
			return true
		}
	}
	return false
}

type isKind string

func (k isKind) match(e *session.Exchange) bool {
	switch k {
	case "pending":
		return e.Pending()
	case "error":
		return e.Error != ""
	case "carrier":
		return len(e.Carries) > 0
	}
	return len(e.Hints) > 0
}

type messageID string

func (m messageID) match(e *session.Exchange) bool {
	return e.MessageID != "" && strings.EqualFold(e.MessageID, string(m))
}

// sessionIs matches a prefix of the exchange's session id.
type sessionIs string

func (s sessionIs) match(e *session.Exchange) bool {
	return len(e.Session) >= len(s) && strings.EqualFold(e.Session[:len(s)], string(s))
}

// textMatcher finds a lower-cased word in the target, message-id, error,
// headers and in-memory wire bytes (which hold start line, headers and body).
// Bytes kept on disk (Message.Ref) are not read: a filter must stay fast.
type textMatcher struct{ nd needle }

func newTextMatcher(word []byte) *textMatcher { return &textMatcher{newNeedle(word)} }

func (w *textMatcher) match(e *session.Exchange) bool {
	nd := &w.nd
	if nd.inString(e.MessageID) || nd.inString(e.Error) {
		return true
	}
	return messageHas(e.Request, nd) || messageHas(e.Response, nd)
}

func messageHas(m *session.Message, nd *needle) bool {
	if m == nil {
		return false
	}
	if len(m.Raw) > 0 {
		if nd.in(m.Raw) {
			return true
		}
		// Raw holds the head too; only trailers of a truncated message may
		// be missing from it.
		return m.Truncated && headersHave(m.Trailers, nd)
	}
	if nd.inString(m.Target) || nd.inString(m.Method) || nd.inString(m.Reason) {
		return true
	}
	return headersHave(m.Headers, nd) || headersHave(m.Trailers, nd)
}

func headersHave(hs []session.Header, nd *needle) bool {
	for i := range hs {
		if nd.inString(hs[i].Name) || nd.inString(hs[i].Value) {
			return true
		}
	}
	return false
}
