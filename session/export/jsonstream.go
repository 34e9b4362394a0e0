package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"ptth-inspector/session"
)

// Loader receives what DecodeJSON reads, in document order. *Memory is one;
// so is a Loaded, which keeps exchanges packed.
type Loader interface {
	PutSession(s *session.Session)
	PutExchange(e *session.Exchange)
	PutChunk(c Chunk)
}

// DecodeJSON reads a JSON export into dst one session, exchange and chunk
// at a time, so a large export is never held whole. Errors name the line
// (for syntax) or the item and field (for values), e.g.
// `exchanges[2].direction: unknown value "up"`; after an error dst holds
// part of the document and should be dropped.
func DecodeJSON(r io.Reader, dst Loader) error {
	lines := &lineIndex{r: r}
	d := &jsonStream{dec: json.NewDecoder(lines), lines: lines}
	if err := d.delim('{'); err != nil {
		return err
	}
	version := 0
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch strings.ToLower(key) { // as json.Unmarshal matches fields
		case "version":
			if err := d.value(&version, "version"); err != nil {
				return err
			}
			if version != JSONVersion {
				return fmt.Errorf("version: %d is not a PTTH Inspector JSON export (want %d)", version, JSONVersion)
			}
		case "sessions":
			err = items(d, "sessions", (*JSONSession).Session, dst.PutSession)
		case "exchanges":
			err = items(d, "exchanges", (*JSONExchange).Exchange, dst.PutExchange)
		case "chunks":
			err = items(d, "chunks", (*JSONChunk).chunk, dst.PutChunk)
		default:
			var skip json.RawMessage // a field this version does not know
			err = d.value(&skip, key)
		}
		if err != nil {
			return err
		}
	}
	if err := d.delim('}'); err != nil {
		return err
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return fmt.Errorf("line %d: unexpected text after the document", lines.line(d.dec.InputOffset()))
	}
	if version != JSONVersion {
		return fmt.Errorf("version: %d is not a PTTH Inspector JSON export (want %d)", version, JSONVersion)
	}
	return nil
}

// items reads the list that comes next, each element decoded as a J,
// converted (errors then start with ".field: ") and handed to put.
func items[J, V any](d *jsonStream, list string, convert func(*J) (V, error), put func(V)) error {
	return d.array(list, func(i int, raw []byte, at int64) error {
		var j J
		if err := d.unmarshal(raw, at, &j, list, i); err != nil {
			return err
		}
		v, err := convert(&j)
		if err != nil {
			return fmt.Errorf("%s[%d]%s", list, i, err)
		}
		put(v)
		return nil
	})
}

// chunk converts a JSON chunk back; errors start with ".field: ".
func (jc *JSONChunk) chunk() (Chunk, error) {
	side, ok := map[string]session.Side{"client": session.FromClient, "upstream": session.FromUpstream}[jc.Side]
	if !ok {
		return Chunk{}, fmt.Errorf(".side: unknown value %q (want client or upstream)", jc.Side)
	}
	t, err := parseTS(jc.T)
	if err != nil {
		return Chunk{}, fieldErr("t", err)
	}
	return Chunk{jc.Session, side, t, jc.Data}, nil
}

// jsonStream walks a JSON export token by token.
type jsonStream struct {
	dec   *json.Decoder
	lines *lineIndex
}

// token reads the next token, naming the line of a syntax error.
func (d *jsonStream) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return nil, fmt.Errorf("line %d: unexpected end of JSON input", d.lines.line(d.dec.InputOffset()))
	}
	return tok, d.syntax(err)
}

// delim reads the delimiter want.
func (d *jsonStream) delim(want json.Delim) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != want {
		return fmt.Errorf("line %d: %v where %q was expected", d.lines.line(d.dec.InputOffset()), tok, string(want))
	}
	return nil
}

// value decodes the next value into v; name is the field it belongs to.
func (d *jsonStream) value(v any, name string) error {
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		return d.syntax(err)
	}
	at := d.dec.InputOffset() - int64(len(raw))
	if err := json.Unmarshal(raw, v); err != nil {
		return d.typed(err, at, name)
	}
	return nil
}

// array calls each with the bytes of every element of the array that comes
// next, and where they start in the input.
func (d *jsonStream) array(name string, each func(i int, raw []byte, at int64) error) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null: no items
	}
	if got, ok := tok.(json.Delim); !ok || got != '[' {
		return fmt.Errorf("line %d: %s: %v where a list was expected", d.lines.line(d.dec.InputOffset()), name, tok)
	}
	for i := 0; d.dec.More(); i++ {
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return d.syntax(err)
		}
		if err := each(i, raw, d.dec.InputOffset()-int64(len(raw))); err != nil {
			return err
		}
	}
	return d.delim(']')
}

// unmarshal decodes the element raw, which starts at input offset at.
func (d *jsonStream) unmarshal(raw []byte, at int64, v any, list string, i int) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return d.typed(err, at, fmt.Sprintf("%s[%d]", list, i))
	}
	return nil
}

// syntax names the line of a syntax error.
func (d *jsonStream) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %v", d.lines.line(se.Offset), err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("line %d: unexpected end of JSON input", d.lines.line(d.dec.InputOffset()))
	}
	return err
}

// typed names the line and item of a value of the wrong type; at is where
// the value decoded starts in the input.
func (d *jsonStream) typed(err error, at int64, item string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := item
		if te.Field != "" {
			field += "." + te.Field
		}
		return fmt.Errorf("line %d: %s: %s where %s was expected", d.lines.line(at+te.Offset), field, te.Value, te.Type)
	}
	return fmt.Errorf("%s: %v", item, err)
}

// lineIndex passes reads through and remembers where each line starts, to
// name the line of an input offset.
type lineIndex struct {
	r     io.Reader
	read  int64
	newls []int64 // offsets of the newlines read so far
}

// Read reads from the input and notes the newlines.
func (l *lineIndex) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.newls = append(l.newls, l.read+int64(i))
		}
	}
	l.read += int64(n)
	return n, err
}

// line returns the 1-based line holding input offset off.
func (l *lineIndex) line(off int64) int {
	return sort.Search(len(l.newls), func(i int) bool { return l.newls[i] >= off }) + 1
}
