// Package diff compares two exchanges, typically an original and its replay:
// start lines, headers line by line in wire order, and bodies (a text line
// diff, a structural diff for JSON, a hex-dump diff for binary payloads).
//
// Headers are matched by name, case-insensitively, and by position among the
// headers of that name: the second Set-Cookie of a is compared with the second
// Set-Cookie of b. A matched pair is Same when name and value are byte-equal,
// otherwise Changed (so a change of name case shows). Headers named in
// Options.Ignore are still listed but marked Ignored, and Equal and Summary
// leave them out.
//
// Bodies are compared after transfer framing is removed and Content-Encoding
// gzip, x-gzip or deflate is decoded. When both bodies are valid JSON they are
// pretty-printed with sorted keys first, so key order and white space do not
// count. Bodies that are not UTF-8 (or hold NUL bytes) are compared as
// hex-dump lines and summarised by the first differing offset.
package diff

import (
	"strings"

	"ptth-inspector/session"
)

// Kind marks a start line or header line in a comparison.
type Kind uint8

// Kinds of a compared line.
const (
	Same    Kind = iota // present on both sides, byte-equal
	Added               // only in b
	Removed             // only in a
	Changed             // on both sides, different
)

// String returns "same", "added", "removed" or "changed".
func (k Kind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Changed:
		return "changed"
	}
	return "same"
}

// DefaultIgnore lists the headers that change on every answer without saying
// anything about the exchange: dates, caches' ages and validators, timing and
// request ids. Set-Cookie is deliberately not in it: a replay that gets a
// different cookie (or none) is usually worth seeing.
var DefaultIgnore = []string{
	"Date", "Age", "Expires", "Last-Modified", "ETag", "Server-Timing",
	"X-Request-Id", "X-Correlation-Id", "X-Runtime",
}

// Options tune a comparison; the zero Options ignores no header.
type Options struct {
	Ignore []string // header names (case-insensitive) that Equal and Summary leave out
}

// DefaultOptions returns Options that ignore DefaultIgnore.
func DefaultOptions() Options {
	return Options{Ignore: append([]string(nil), DefaultIgnore...)}
}

// HeaderLine is one header (or trailer) line of the comparison.
type HeaderLine struct {
	Kind    Kind
	A, B    session.Header // A is zero for Added, B is zero for Removed
	Ignored bool           // the name is in Options.Ignore
}

// Name returns the header's name, as in a when a has it.
func (h HeaderLine) Name() string {
	if h.Kind == Added {
		return h.B.Name
	}
	return h.A.Name
}

// Differs reports whether the line counts as a difference.
func (h HeaderLine) Differs() bool { return h.Kind != Same && !h.Ignored }

// Part compares one side of the exchanges: both requests or both responses.
type Part struct {
	A, B             *session.Message // the compared messages; nil when missing
	AbsentA, AbsentB string           // why a message is missing ("pending", "error: …"), "" when present
	StartA, StartB   string           // start lines without line end, "" when missing
	Headers          []HeaderLine
	Trailers         []HeaderLine
	Body             Body
}

// Present reports whether both messages exist.
func (p *Part) Present() bool { return p.A != nil && p.B != nil }

// StartKind compares the start lines: Added or Removed when only one
// message exists, Same or Changed otherwise (Same when both are missing).
func (p *Part) StartKind() Kind {
	switch {
	case p.A == nil && p.B != nil:
		return Added
	case p.A != nil && p.B == nil:
		return Removed
	case p.StartA != p.StartB:
		return Changed
	}
	return Same
}

// Equal reports whether both messages are alike, ignoring volatile headers;
// two missing messages are alike when they are missing for the same reason.
func (p *Part) Equal() bool {
	if !p.Present() {
		return p.A == nil && p.B == nil && p.AbsentA == p.AbsentB
	}
	return p.StartA == p.StartB && p.ChangedHeaders() == 0 && p.Body.Same
}

// ChangedHeaders counts header and trailer lines that differ and are not
// ignored.
func (p *Part) ChangedHeaders() int {
	n := 0
	for _, l := range p.Headers {
		if l.Differs() {
			n++
		}
	}
	for _, l := range p.Trailers {
		if l.Differs() {
			n++
		}
	}
	return n
}

// Result is the comparison of two exchanges.
type Result struct {
	Request  Part
	Response Part
}

// Equal reports whether the exchanges are alike, ignoring volatile headers.
func (r Result) Equal() bool { return r.Request.Equal() && r.Response.Equal() }

// Compare compares exchange a (usually the original) with b (its replay).
// Either may be nil, and either response may be missing.
func Compare(a, b *session.Exchange, opts Options) Result {
	ignore := make(map[string]bool, len(opts.Ignore))
	for _, n := range opts.Ignore {
		ignore[strings.ToLower(n)] = true
	}
	var ra, rb, pa, pb *session.Message
	if a != nil {
		ra, pa = a.Request, a.Response
	}
	if b != nil {
		rb, pb = b.Request, b.Response
	}
	req := comparePart(ra, rb, ignore)
	req.AbsentA, req.AbsentB = absentRequest(a), absentRequest(b)
	resp := comparePart(pa, pb, ignore)
	resp.AbsentA, resp.AbsentB = absentResponse(a), absentResponse(b)
	return Result{Request: req, Response: resp}
}

func absentRequest(e *session.Exchange) string {
	switch {
	case e == nil:
		return "no exchange"
	case e.Request == nil:
		return "no request"
	}
	return ""
}

func absentResponse(e *session.Exchange) string {
	switch {
	case e == nil:
		return "no exchange"
	case e.Response != nil:
		return ""
	case e.Error != "":
		return "error: " + e.Error
	}
	return "pending"
}

func comparePart(a, b *session.Message, ignore map[string]bool) Part {
	p := Part{A: a, B: b}
	var ha, hb, ta, tb []session.Header
	if a != nil {
		p.StartA, ha, ta = a.StartLine(), a.Headers, a.Trailers
	}
	if b != nil {
		p.StartB, hb, tb = b.StartLine(), b.Headers, b.Trailers
	}
	p.Headers = compareHeaders(ha, hb, ignore)
	p.Trailers = compareHeaders(ta, tb, ignore)
	p.Body = compareBodies(a, b)
	return p
}

// compareHeaders lists the headers of a in order, each matched with the
// header of b that has the same name and the same position among headers of
// that name; headers only in b are inserted before the next matched header
// that follows them in b.
func compareHeaders(a, b []session.Header, ignore map[string]bool) []HeaderLine {
	type key struct {
		name string
		n    int
	}
	inB := make(map[key]int, len(b))
	seen := map[string]int{}
	for j, h := range b {
		n := strings.ToLower(h.Name)
		inB[key{n, seen[n]}] = j
		seen[n]++
	}
	used := make([]bool, len(b))
	match := make([]int, len(a))
	clear(seen)
	for i, h := range a {
		n := strings.ToLower(h.Name)
		j, ok := inB[key{n, seen[n]}]
		seen[n]++
		match[i] = -1
		if ok {
			match[i], used[j] = j, true
		}
	}
	out := make([]HeaderLine, 0, max(len(a), len(b)))
	next := 0
	added := func(upTo int) {
		for ; next < upTo; next++ {
			if !used[next] {
				out = append(out, HeaderLine{Kind: Added, B: b[next], Ignored: ignore[strings.ToLower(b[next].Name)]})
			}
		}
	}
	for i, h := range a {
		l := HeaderLine{Kind: Removed, A: h, Ignored: ignore[strings.ToLower(h.Name)]}
		if j := match[i]; j >= 0 {
			added(j)
			l.B, l.Kind = b[j], Same
			if h != b[j] {
				l.Kind = Changed
			}
		}
		out = append(out, l)
	}
	added(len(b))
	return out
}
