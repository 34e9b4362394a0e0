package comet

import (
	"fmt"
	"unicode/utf8"
)

// maxDepth bounds how deeply arrays and objects may nest.
const maxDepth = 64

// kind is the type of a parsed value.
type kind uint8

// Kinds of parsed values.
const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String names the kind for error messages.
func (k kind) String() string {
	switch k {
	case kindBool:
		return "a boolean"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindArray:
		return "a list"
	case kindObject:
		return "an object"
	}
	return "null"
}

// value is one parsed JSON (or Python-repr) value.
type value struct {
	kind    kind
	off     int      // offset of the value's first byte in the body
	text    []byte   // string bytes after unescaping, or number text
	truth   bool     // kindBool
	items   []value  // kindArray
	members []member // kindObject, in document order
}

// member is one key and value of an object.
type member struct {
	key string
	off int // offset of the key
	val value
}

// get returns the last member named key (duplicates: last wins).
func (v *value) get(key string) (*member, bool) {
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].key == key {
			return &v.members[i], true
		}
	}
	return nil, false
}

// parser is a hand-written recursive-descent parser for strict JSON and the
// Python-repr style of the 2008 seed (single quotes, True/False/None,
// trailing commas, tuples, u'…'/b'…' prefixes, \x escapes, 200L).
type parser struct {
	src   []byte
	pos   int
	depth int
}

// parse reads exactly one value from src, allowing surrounding whitespace
// and a leading UTF-8 byte order mark.
func parse(src []byte) (value, error) {
	p := &parser{src: src}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.pos = 3
	}
	p.space()
	v, err := p.value()
	if err != nil {
		return value{}, err
	}
	p.space()
	if p.pos < len(src) {
		return value{}, p.errf(p.pos, "unexpected %s after the end of the document", p.describe())
	}
	return v, nil
}

// errf returns a syntax error at offset off.
func (p *parser) errf(off int, format string, args ...any) error {
	return newError(p.src, off, "", fmt.Sprintf(format, args...))
}

// describe names the byte at the current position for error messages.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	c := p.src[p.pos]
	if c >= 0x20 && c < 0x7F {
		return fmt.Sprintf("character %q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02X", c)
}

// space skips whitespace.
func (p *parser) space() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value that starts at the current position.
func (p *parser) value() (value, error) {
	if p.pos >= len(p.src) {
		return value{}, p.errf(p.pos, "expected a value, found end of input")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[' || c == '(':
		return p.array()
	case c == '"' || c == '\'' || p.prefixedString():
		off := p.pos
		s, err := p.str()
		return value{kind: kindString, off: off, text: s}, err
	case c == '-' || c == '+' || isDigit(c):
		return p.number()
	case isLetter(c):
		return p.word()
	}
	return value{}, p.errf(p.pos, "expected a value, found %s", p.describe())
}

// enter counts one more level of nesting.
func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf(p.pos, "nesting deeper than %d levels", maxDepth)
	}
	return nil
}

// object parses {key: value, ...} with an optional trailing comma.
func (p *parser) object() (value, error) {
	v := value{kind: kindObject, off: p.pos}
	if err := p.enter(); err != nil {
		return value{}, err
	}
	defer func() { p.depth-- }()
	p.pos++
	for {
		p.space()
		if p.pos >= len(p.src) {
			return value{}, p.errf(p.pos, "object starting at offset %d is not closed", v.off)
		}
		if p.src[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		c := p.src[p.pos]
		if c != '"' && c != '\'' && !p.prefixedString() {
			return value{}, p.errf(p.pos, "expected a quoted key or '}', found %s", p.describe())
		}
		koff := p.pos
		key, err := p.str()
		if err != nil {
			return value{}, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return value{}, p.errf(p.pos, "expected ':' after key %q, found %s", key, p.describe())
		}
		p.pos++
		p.space()
		val, err := p.value()
		if err != nil {
			return value{}, err
		}
		v.members = append(v.members, member{key: string(key), off: koff, val: val})
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		if p.pos >= len(p.src) {
			return value{}, p.errf(p.pos, "object starting at offset %d is not closed", v.off)
		}
		return value{}, p.errf(p.pos, "expected ',' or '}' after the value of key %q, found %s", key, p.describe())
	}
}

// array parses [a, b, ...] or a Python tuple (a, b, ...), trailing comma allowed.
func (p *parser) array() (value, error) {
	v := value{kind: kindArray, off: p.pos}
	closer := byte(']')
	if p.src[p.pos] == '(' {
		closer = ')'
	}
	if err := p.enter(); err != nil {
		return value{}, err
	}
	defer func() { p.depth-- }()
	p.pos++
	for {
		p.space()
		if p.pos >= len(p.src) {
			return value{}, p.errf(p.pos, "list starting at offset %d is not closed", v.off)
		}
		if p.src[p.pos] == closer {
			p.pos++
			return v, nil
		}
		item, err := p.value()
		if err != nil {
			return value{}, err
		}
		v.items = append(v.items, item)
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == closer {
			p.pos++
			return v, nil
		}
		if p.pos >= len(p.src) {
			return value{}, p.errf(p.pos, "list starting at offset %d is not closed", v.off)
		}
		return value{}, p.errf(p.pos, "expected ',' or '%c' after list item %d, found %s", closer, len(v.items)-1, p.describe())
	}
}

// number parses a JSON number; a leading '+', leading zeros and Python 2's
// long suffix L are tolerated. The text is kept as written, without the L.
func (p *parser) number() (value, error) {
	start := p.pos
	if c := p.src[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	if !p.digits() {
		return value{}, p.errf(p.pos, "expected a digit in number, found %s", p.describe())
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if !p.digits() {
			return value{}, p.errf(p.pos, "expected a digit after '.' in number, found %s", p.describe())
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if !p.digits() {
			return value{}, p.errf(p.pos, "expected a digit in exponent, found %s", p.describe())
		}
	}
	v := value{kind: kindNumber, off: start, text: p.src[start:p.pos:p.pos]}
	if p.pos < len(p.src) && (p.src[p.pos] == 'L' || p.src[p.pos] == 'l') {
		p.pos++
	}
	return v, nil
}

// digits skips one or more ASCII digits and reports whether there was one.
func (p *parser) digits() bool {
	start := p.pos
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

// word parses true/false/null and Python's True/False/None.
func (p *parser) word() (value, error) {
	start := p.pos
	for p.pos < len(p.src) && (isLetter(p.src[p.pos]) || isDigit(p.src[p.pos])) {
		p.pos++
	}
	switch w := string(p.src[start:p.pos]); w {
	case "true", "True":
		return value{kind: kindBool, off: start, truth: true}, nil
	case "false", "False":
		return value{kind: kindBool, off: start}, nil
	case "null", "None":
		return value{kind: kindNull, off: start}, nil
	default:
		if len(w) > 20 {
			w = w[:20] + "…"
		}
		return value{}, p.errf(start, "unknown word %q (strings must be quoted)", w)
	}
}

// prefixedString reports whether a Python u'…' or b'…' (or U/B) string starts here.
func (p *parser) prefixedString() bool {
	if p.pos+1 >= len(p.src) {
		return false
	}
	switch p.src[p.pos] {
	case 'u', 'U', 'b', 'B':
		q := p.src[p.pos+1]
		return q == '"' || q == '\''
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// hexVal returns the value of n hex digits at src[at:], or -1.
func hexVal(src []byte, at, n int) rune {
	if at+n > len(src) {
		return -1
	}
	var r rune
	for _, c := range src[at : at+n] {
		switch {
		case isDigit(c):
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
}

// appendRune appends r as UTF-8; surrogates and invalid code points become U+FFFD.
func appendRune(b []byte, r rune) []byte { return utf8.AppendRune(b, r) }
