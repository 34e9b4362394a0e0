// Package filter is the inspector's filter language: free text over targets,
// headers and bodies plus key:value tokens such as dir:reverse,
// transport:comet, status:>=400, method:POST and hint:any. Every term must
// match (AND); a term may list alternatives with commas (method:GET,POST) and
// a leading "-" negates it. The package has no UI dependency, so the replay
// feature can reuse it for intercept rules.
package filter

import (
	"fmt"
	"strconv"
	"strings"

	"ptth-inspector/session"
)

// Query is a parsed filter. The zero Query matches everything.
type Query struct {
	src   string
	terms []term
	text  []*textMatcher // free-text words, all must occur
}

// Keys lists the token keys the language understands, for help texts.
var Keys = []string{"dir", "transport", "status", "method", "hint", "is", "id", "session"}

// Help is a one-paragraph description of the language for tooltips and menus.
const Help = `Free text searches targets, headers and bodies (case-insensitive; quote phrases with "…"). ` +
	`Tokens: dir:forward|reverse  transport:http|ptth|comet  status:200|>=400|4xx|pending  ` +
	`method:GET,POST  hint:any|none|CODE  is:pending|error|carrier  id:MESSAGE-ID  session:ID-PREFIX. ` +
	`All terms must match; commas give alternatives; a leading - negates. ` +
	`Any other word:value is searched as text, unless it looks like a mistyped key.`

// Parse reads a filter expression. An empty or blank expression gives a
// Query that matches everything.
func Parse(expr string) (*Query, error) {
	q, errs := ParsePartial(expr)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return q, nil
}

// ParsePartial reads expr as Parse does but goes on past a bad term: it
// returns a Query of the terms that parse, and the error of each that does
// not. An unclosed quote is an error whose phrase is still searched, as
// typed so far.
func ParsePartial(expr string) (*Query, []error) {
	q := &Query{}
	words, errs := split(strings.TrimSpace(expr))
	var good []string
	for _, w := range words {
		neg := false
		text := w.text
		if len(text) > 1 && text[0] == '-' && !w.quoted {
			neg, text = true, text[1:]
		}
		key, val, ok := strings.Cut(text, ":")
		key = strings.ToLower(key)
		token := ok && !w.quoted && knownKey(key)
		if ok && !w.quoted && !token {
			if near := nearKey(key); near != "" {
				errs = append(errs, fmt.Errorf("%s: is not a filter key, did you mean %s:? (quote the term to search for it as text)", key, near))
				continue
			}
		}
		switch {
		case !token:
			m := newTextMatcher(LowerASCII(text))
			if neg {
				q.terms = append(q.terms, term{neg: true, match: m})
			} else {
				q.text = append(q.text, m)
			}
		default:
			m, err := parseToken(key, val)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			q.terms = append(q.terms, term{neg: neg, match: m})
		}
		good = append(good, w.source)
	}
	q.src = strings.Join(good, " ")
	if len(errs) == 0 {
		q.src = strings.TrimSpace(expr)
	}
	return q, errs
}

// MustParse is Parse for expressions known to be valid; it panics otherwise.
func MustParse(expr string) *Query {
	q, err := Parse(expr)
	if err != nil {
		panic(err)
	}
	return q
}

// String returns the expression the query was parsed from.
func (q *Query) String() string {
	if q == nil {
		return ""
	}
	return q.src
}

// Empty reports whether the query matches everything.
func (q *Query) Empty() bool { return q == nil || (len(q.terms) == 0 && len(q.text) == 0) }

// HasText reports whether the query searches free text.
func (q *Query) HasText() bool { return q != nil && len(q.text) > 0 }

type word struct {
	text   string
	quoted bool
	source string // as typed, quotes included
}

// split breaks an expression at blanks, keeping "quoted phrases" together.
// An unclosed quote is an error, and its phrase runs to the end.
func split(s string) ([]word, []error) {
	var out []word
	var errs []error
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case s[i] == '"':
			j := strings.IndexByte(s[i+1:], '"')
			end := i + 1 + j
			if j < 0 {
				errs = append(errs, fmt.Errorf("unclosed quote at column %d", i+1))
				end = len(s)
			}
			if end > i+1 {
				out = append(out, word{text: s[i+1 : end], quoted: true, source: s[i:min(end+1, len(s))]})
			}
			i = end + 1
		default:
			j := strings.IndexAny(s[i:], " \t")
			if j < 0 {
				j = len(s) - i
			}
			out = append(out, word{text: s[i : i+j], source: s[i : i+j]})
			i += j
		}
	}
	return out, errs
}

func knownKey(k string) bool {
	for _, key := range Keys {
		if k == key {
			return true
		}
	}
	return false
}

// nearKey returns the known key of 4 letters or more that key looks like a
// slip of: a prefix of it of 3 letters or more ("meth") or one edit away
// ("stauts", "methd"); "" when none is close, so that words such as
// "content-type:json", "uid:42" or "sid:abc" stay free text.
func nearKey(key string) string {
	if len(key) < 3 {
		return ""
	}
	for _, k := range Keys {
		if len(k) >= 4 && ((len(key) < len(k) && strings.HasPrefix(k, key)) || oneEditApart(key, k)) {
			return k
		}
	}
	return ""
}

// oneEditApart reports whether a becomes b by one insertion, deletion,
// substitution or swap of neighbouring letters.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) < len(b):
		return a[i:] == b[i+1:]
	case i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]:
		return true
	default:
		return a[i+1:] == b[i+1:]
	}
}

// parseToken builds the matcher of one key:value token; commas in the value
// are alternatives.
func parseToken(key, val string) (matcher, error) {
	if val == "" {
		return nil, fmt.Errorf("%s: needs a value, e.g. %s", key, example(key))
	}
	var alts []matcher
	for _, v := range strings.Split(val, ",") {
		if v == "" {
			continue
		}
		m, err := parseAlt(key, v)
		if err != nil {
			return nil, err
		}
		alts = append(alts, m)
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return anyOf(alts), nil
}

func example(key string) string {
	switch key {
	case "dir":
		return "dir:reverse"
	case "transport":
		return "transport:comet"
	case "status":
		return "status:>=400"
	case "method":
		return "method:POST"
	case "hint":
		return "hint:any"
	case "is":
		return "is:pending"
	case "id":
		return "id:xxx"
	}
	return "session:3f2a"
}

func parseAlt(key, v string) (matcher, error) {
	lv := strings.ToLower(v)
	switch key {
	case "dir":
		switch lv {
		case "forward", "fwd", "f", ">":
			return dirIs(session.Forward), nil
		case "reverse", "rev", "r", "<":
			return dirIs(session.Reverse), nil
		}
		return nil, fmt.Errorf("dir:%s: want forward or reverse", v)
	case "transport":
		switch lv {
		case "http":
			return transportIs(session.HTTP), nil
		case "ptth":
			return transportIs(session.PTTH), nil
		case "comet":
			return transportIs(session.COMET), nil
		}
		return nil, fmt.Errorf("transport:%s: want http, ptth or comet", v)
	case "status":
		return parseStatus(v)
	case "method":
		return methodIs(strings.ToUpper(v)), nil
	case "hint":
		return hintIs(lv), nil
	case "is":
		switch lv {
		case "pending", "error", "carrier", "hinted":
			return isKind(lv), nil
		}
		return nil, fmt.Errorf("is:%s: want pending, error, carrier or hinted", v)
	case "id":
		return messageID(v), nil
	}
	return sessionIs(lv), nil
}

// parseStatus reads 200, >=400, <300, !=200, 4xx, 400-499 or pending.
func parseStatus(v string) (matcher, error) {
	if strings.EqualFold(v, "pending") {
		return isKind("pending"), nil
	}
	if len(v) == 3 && (v[1] == 'x' || v[1] == 'X') && (v[2] == 'x' || v[2] == 'X') && v[0] >= '1' && v[0] <= '5' {
		lo := int(v[0]-'0') * 100
		return statusRange{lo, lo + 99}, nil
	}
	if a, b, ok := strings.Cut(v, "-"); ok && a != "" {
		lo, err1 := strconv.Atoi(a)
		hi, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || lo > hi {
			return nil, fmt.Errorf("status:%s: want a range such as 400-499", v)
		}
		return statusRange{lo, hi}, nil
	}
	ops := []string{">=", "<=", "!=", ">", "<", "="}
	op := "="
	for _, o := range ops {
		if strings.HasPrefix(v, o) {
			op, v = o, v[len(o):]
			break
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 999 {
		return nil, fmt.Errorf("status:%s%s: want a code such as 200, >=400 or 4xx", op, v)
	}
	switch op {
	case ">=":
		return statusRange{n, 999}, nil
	case "<=":
		return statusRange{0, n}, nil
	case ">":
		return statusRange{n + 1, 999}, nil
	case "<":
		return statusRange{0, n - 1}, nil
	case "!=":
		return statusNot(n), nil
	}
	return statusRange{n, n}, nil
}
