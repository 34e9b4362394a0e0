package diff

import (
	"fmt"
	"slices"
	"strings"

	"ptth-inspector/session"
)

// Summary returns a one-line account of the differences, e.g.
// "status 200→404, 2 headers changed, body: +3 −1 lines" (or "2 headers
// differ (1 changed, 1 added)" when kinds mix), or "identical".
// Ignored headers are not counted.
func (r Result) Summary() string {
	var parts []string
	parts = append(parts, r.Request.startChanges(true)...)
	parts = append(parts, r.Response.startChanges(false)...)
	if h := headerCounts(&r.Request, &r.Response); h != "" {
		parts = append(parts, h)
	}
	if r.Request.Present() && !r.Request.Body.Same {
		parts = append(parts, "request body: "+r.Request.Body.summary())
	}
	if r.Response.Present() && !r.Response.Body.Same {
		label := "body"
		if r.Response.Body.Kind == BodyJSON {
			label = "body (JSON)"
		}
		parts = append(parts, label+": "+r.Response.Body.summary())
	}
	if len(parts) == 0 {
		if r.Response.A == nil && r.Response.B == nil {
			return "identical requests, no responses (" + r.Response.AbsentA + ")"
		}
		return "identical"
	}
	return strings.Join(parts, ", ")
}

// headerCounts says how many header (and trailer) lines differ, by kind:
// "2 headers changed", or "2 headers differ (1 changed, 1 added)".
// Lines count only where both messages exist; a missing message is
// reported once, by startChanges.
func headerCounts(parts ...*Part) string {
	var n [Changed + 1]int
	for _, p := range parts {
		if !p.Present() {
			continue
		}
		for _, l := range append(slices.Clip(p.Headers), p.Trailers...) {
			if l.Differs() {
				n[l.Kind]++
			}
		}
	}
	var kinds []string
	var only Kind
	total := 0
	for _, k := range []Kind{Changed, Added, Removed} {
		if n[k] > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n[k], k))
			only, total = k, total+n[k]
		}
	}
	switch {
	case len(kinds) == 0:
		return ""
	case len(kinds) > 1:
		return fmt.Sprintf("%d headers differ (%s)", total, strings.Join(kinds, ", "))
	case total == 1:
		return fmt.Sprintf("1 header %s", only)
	}
	return fmt.Sprintf("%d headers %s", total, only)
}

// startChanges describes a missing message or the start-line fields that
// differ.
func (p *Part) startChanges(request bool) []string {
	what := "response"
	if request {
		what = "request"
	}
	if !p.Present() {
		if p.A == nil && p.B == nil && p.AbsentA == p.AbsentB {
			return nil
		}
		return []string{what + " " + label(p.A, p.AbsentA) + "→" + label(p.B, p.AbsentB)}
	}
	a, b := p.A, p.B
	var out []string
	if request {
		out = appendChange(out, "method", a.Method, b.Method)
		out = appendChange(out, "target", a.Target, b.Target)
		return appendChange(out, "proto", a.Proto, b.Proto)
	}
	out = appendChange(out, "proto", a.Proto, b.Proto)
	if a.Status != b.Status {
		return append(out, fmt.Sprintf("status %d→%d", a.Status, b.Status))
	}
	return appendChange(out, "reason", a.Reason, b.Reason)
}

// label names a message in a "→" change: its method for a request, its
// status code for a response, or why it is missing.
func label(m *session.Message, absent string) string {
	switch {
	case absent != "":
		return absent
	case m == nil:
		return "missing"
	case m.IsRequest():
		return m.Method
	}
	return fmt.Sprint(m.Status)
}

func appendChange(out []string, what, a, b string) []string {
	if a == b {
		return out
	}
	return append(out, fmt.Sprintf("%s %s→%s", what, quoteEmpty(a), quoteEmpty(b)))
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// summary describes a body difference: line counts, or lengths and the
// first differing offset for binary bodies.
func (d *Body) summary() string {
	if d.Kind == BodyBinary {
		return fmt.Sprintf("binary, %d vs %d bytes, differ at offset %d", d.LenA, d.LenB, d.Offset)
	}
	return fmt.Sprintf("+%d −%d lines", d.Inserted, d.Deleted)
}
