package comet

// str parses a quoted string ('…' or "…", optionally prefixed u/U/b/B) and
// returns its bytes. Escapes: JSON's \" \\ \/ \b \f \n \r \t \uNNNN (with
// surrogate pairs), and Python's \' \a \v \xNN (a raw byte), \UNNNNNNNN,
// \NNN (octal) and backslash-newline. An unknown escape keeps its backslash,
// as Python does. Raw bytes between the quotes are kept as they are.
func (p *parser) str() ([]byte, error) {
	start := p.pos
	if c := p.src[p.pos]; c != '"' && c != '\'' {
		p.pos++ // the u or b prefix
	}
	quote := p.src[p.pos]
	p.pos++
	var out []byte
	for {
		// Copy the run of plain bytes up to the next quote or backslash.
		run := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != quote && p.src[p.pos] != '\\' {
			p.pos++
		}
		out = append(out, p.src[run:p.pos]...)
		if p.pos >= len(p.src) {
			return nil, p.errf(start, "string starting at offset %d is not closed", start)
		}
		if p.src[p.pos] == quote {
			p.pos++
			if out == nil {
				out = []byte{}
			}
			return out, nil
		}
		var err error
		if out, err = p.escape(out); err != nil {
			return nil, err
		}
	}
}

// escape decodes the backslash escape at the current position onto out.
func (p *parser) escape(out []byte) ([]byte, error) {
	at := p.pos
	p.pos++
	if p.pos >= len(p.src) {
		return nil, p.errf(at, "backslash at the end of input")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '"', '\'', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'v':
		return append(out, '\v'), nil
	case 'a':
		return append(out, '\a'), nil
	case '\n':
		return out, nil // line continuation
	case '\r':
		if p.pos < len(p.src) && p.src[p.pos] == '\n' {
			p.pos++
		}
		return out, nil
	case 'x':
		v := hexVal(p.src, p.pos, 2)
		if v < 0 {
			return nil, p.errf(at, `bad \x escape: want two hex digits`)
		}
		p.pos += 2
		return append(out, byte(v)), nil
	case 'u':
		return p.escapeU(out, at)
	case 'U':
		v := hexVal(p.src, p.pos, 8)
		if v < 0 || v > 0x10FFFF {
			return nil, p.errf(at, `bad \U escape: want eight hex digits up to 0010FFFF`)
		}
		p.pos += 8
		return appendRune(out, v), nil
	}
	if c >= '0' && c <= '7' {
		v := int(c - '0')
		for n := 1; n < 3 && p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '7'; n++ {
			v = v<<3 | int(p.src[p.pos]-'0')
			p.pos++
		}
		if v > 0xFF {
			return nil, p.errf(at, "bad octal escape: value %d is above 255", v)
		}
		return append(out, byte(v)), nil
	}
	p.pos-- // unknown escape: keep the backslash and re-read the byte as text
	return append(out, '\\'), nil
}

// escapeU decodes \uNNNN, joining a UTF-16 surrogate pair; a lone surrogate
// becomes U+FFFD.
func (p *parser) escapeU(out []byte, at int) ([]byte, error) {
	r := hexVal(p.src, p.pos, 4)
	if r < 0 {
		return nil, p.errf(at, `bad \u escape: want four hex digits`)
	}
	p.pos += 4
	if r >= 0xD800 && r < 0xDC00 && p.pos+1 < len(p.src) && p.src[p.pos] == '\\' && p.src[p.pos+1] == 'u' {
		if lo := hexVal(p.src, p.pos+2, 4); lo >= 0xDC00 && lo < 0xE000 {
			p.pos += 6
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
	}
	return appendRune(out, r), nil
}
