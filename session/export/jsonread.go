package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"ptth-inspector/session"
)

// ReadJSON reads a JSON export back into memory (see DecodeJSON).
func ReadJSON(r io.Reader) (*Memory, error) {
	m := NewMemory()
	if err := DecodeJSON(r, m); err != nil {
		return nil, err
	}
	return m, nil
}

// jsonError names the line of a syntax or type error in a document read whole.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %v", lineOf(data, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: %s: %s where %s was expected", lineOf(data, te.Offset), te.Field, te.Value, jsonKind(te.Type))
	}
	return err
}

// jsonKind names what JSON value a Go type reads: "an object", "a string".
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// fieldErr prefixes an error with a field name: ".name: err".
func fieldErr(name string, err error) error { return fmt.Errorf(".%s: %v", name, err) }

func parseTS(s *string) (time.Time, error) {
	if s == nil || *s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, *s)
}

func parseEnum[T ~uint8](v string, names []string) (T, error) {
	for i, n := range names {
		if v == n {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown value %q (want %s)", v, strings.Join(names, ", "))
}

var (
	stateNames     = []string{"http", "ptth-flipped", "comet", "opaque"}
	directionNames = []string{"forward", "reverse"}
	transportNames = []string{"http", "ptth", "comet"}
)

// Session converts back to the model; errors start with ".field: ".
func (j *JSONSession) Session() (*session.Session, error) {
	if j.ID == "" {
		return nil, fieldErr("id", errors.New("missing"))
	}
	s := &session.Session{ID: j.ID, Client: j.Client, Upstream: j.Upstream, Error: j.Error, Hints: modelHints(j.Hints)}
	var err error
	if s.State, err = parseEnum[session.State](j.State, stateNames); err != nil {
		return nil, fieldErr("state", err)
	}
	if s.Started, err = parseTS(j.Started); err != nil {
		return nil, fieldErr("started", err)
	}
	if s.Ended, err = parseTS(j.Ended); err != nil {
		return nil, fieldErr("ended", err)
	}
	if j.Flip != nil {
		at, err := parseTS(j.Flip.At)
		if err != nil {
			return nil, fieldErr("flip.at", err)
		}
		s.Flip = &session.Flip{At: at, Token: j.Flip.Token, Exchange: j.Flip.Exchange, Offset: j.Flip.Offset}
	}
	return s, nil
}

func modelHints(hs []JSONHint) []session.Hint {
	if len(hs) == 0 {
		return nil
	}
	out := make([]session.Hint, len(hs))
	for i, h := range hs {
		out[i] = session.Hint{Code: h.Code, Text: h.Text, Exchange: h.Exchange}
	}
	return out
}

func modelHeaders(hs [][2]string) []session.Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]session.Header, len(hs))
	for i, h := range hs {
		out[i] = session.Header{Name: h[0], Value: h[1]}
	}
	return out
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Exchange converts back to the model; errors start with ".field: ".
func (j *JSONExchange) Exchange() (*session.Exchange, error) {
	if j.ID == "" {
		return nil, fieldErr("id", errors.New("missing"))
	}
	e := &session.Exchange{ID: j.ID, Session: j.Session, Seq: j.Seq, Error: j.Error, MessageID: j.MessageID,
		Carriers: nilIfEmpty(j.Carriers), Carries: nilIfEmpty(j.Carries), ReplayOf: j.ReplayOf, Injected: j.Injected,
		Hints: modelHints(j.Hints)}
	var err error
	if e.Direction, err = parseEnum[session.Direction](j.Direction, directionNames); err != nil {
		return nil, fieldErr("direction", err)
	}
	if e.Transport, err = parseEnum[session.Transport](j.Transport, transportNames); err != nil {
		return nil, fieldErr("transport", err)
	}
	if e.Request, err = j.Request.Message(); err != nil {
		return nil, fmt.Errorf(".request%v", err)
	}
	if e.Response, err = j.Response.Message(); err != nil {
		return nil, fmt.Errorf(".response%v", err)
	}
	if e.Original, err = j.Original.Message(); err != nil {
		return nil, fmt.Errorf(".original_request%v", err)
	}
	return e, nil
}

// Message converts back to the model. Without raw, the wire bytes are built
// from the start line, headers and body (so hand-written JSON imports too).
func (j *JSONMessage) Message() (*session.Message, error) {
	if j == nil {
		return nil, nil
	}
	m := &session.Message{Method: j.Method, Target: j.Target, Proto: j.Proto, Status: j.Status, Reason: j.Reason,
		Headers: modelHeaders(j.Headers), Trailers: modelHeaders(j.Trailers), Raw: j.Raw, HeadLen: j.HeadLen,
		Chunked: j.Chunked, BodyLen: j.BodyLen, Truncated: j.Truncated}
	var err error
	if m.First, err = parseTS(j.First); err != nil {
		return nil, fieldErr("first", err)
	}
	if m.Last, err = parseTS(j.Last); err != nil {
		return nil, fieldErr("last", err)
	}
	if j.Raw != nil {
		if j.HeadLen < 0 || j.HeadLen > len(j.Raw) {
			return nil, fieldErr("head_len", fmt.Errorf("%d is outside raw (%d bytes)", j.HeadLen, len(j.Raw)))
		}
		return m, nil
	}
	var body []byte
	switch {
	case j.BodyBase64 != nil:
		if body, err = base64.StdEncoding.DecodeString(*j.BodyBase64); err != nil {
			return nil, fieldErr("bodyBase64", err)
		}
	case j.Body != nil:
		body = []byte(*j.Body)
	}
	BuildRaw(m, body)
	return m, nil
}

// BuildRaw fills m.Raw, HeadLen, Chunked and BodyLen from its start line,
// headers, trailers and body, with CRLF line ends; a message whose
// Transfer-Encoding names chunked gets body as one chunk.
func BuildRaw(m *session.Message, body []byte) {
	var b bytes.Buffer
	b.WriteString(m.StartLine() + "\r\n")
	for _, h := range m.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("\r\n")
	m.HeadLen = b.Len()
	m.Chunked = strings.Contains(strings.ToLower(m.Header("Transfer-Encoding")), "chunked")
	if m.Chunked {
		b.Write(chunk(body, m.Trailers))
	} else {
		b.Write(body)
	}
	m.Raw = b.Bytes()
	m.BodyLen = int64(len(body))
}
