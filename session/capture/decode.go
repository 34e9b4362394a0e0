package capture

import (
	"encoding/binary"
	"errors"
	"time"

	"ptth-inspector/session"
)

var errMalformed = errors.New("malformed record")

// dec reads the fields of a record payload; the first problem sticks and
// every later read returns a zero value.
type dec struct {
	b      []byte
	i      int
	bad    bool
	intern map[string]string // shared by one Scan; nil: no interning
}

// maxInterned bounds the intern table and the strings it keeps.
const (
	maxInterned    = 1 << 16
	maxInternedLen = 64
)

// istr is str for fields that repeat across records (session ids, header
// names and short values, methods, protocols, reasons): one copy is kept, so
// a million exchanges do not hold a million copies of "Content-Length".
func (d *dec) istr() string {
	b := d.field()
	if d.intern == nil || len(b) == 0 || len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.intern) < maxInterned {
		d.intern[s] = s
	}
	return s
}

func (d *dec) fail() { d.bad, d.i = true, len(d.b) }

func (d *dec) u8() byte {
	if d.i >= len(d.b) {
		d.fail()
		return 0
	}
	v := d.b[d.i]
	d.i++
	return v
}

func (d *dec) bool() bool {
	switch d.u8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

// count reads an element count, at most the bytes left divided by min
// (each element takes at least min bytes), so garbage never sizes a slice.
func (d *dec) count(min int) int {
	v := d.uvarint()
	if v > uint64((len(d.b)-d.i)/min) {
		d.fail()
		return 0
	}
	return int(v)
}

// field reads a length-prefixed byte string, still inside the record.
func (d *dec) field() []byte {
	n := d.count(1)
	b := d.b[d.i : d.i+n]
	d.i += n
	return b
}

func (d *dec) str() string { return string(d.field()) }

func (d *dec) time() time.Time {
	if len(d.b)-d.i < 8 {
		d.fail()
		return time.Time{}
	}
	v := int64(binary.LittleEndian.Uint64(d.b[d.i:]))
	d.i += 8
	return nanosTime(v)
}

func (d *dec) hints() []session.Hint {
	n := d.count(3)
	if n == 0 {
		return nil
	}
	hs := make([]session.Hint, n)
	for i := range hs {
		hs[i] = session.Hint{Code: d.str(), Text: d.str(), Exchange: d.str()}
	}
	return hs
}

func (d *dec) headers() []session.Header {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	hs := make([]session.Header, n)
	for i := range hs {
		hs[i] = session.Header{Name: d.istr(), Value: d.istr()}
	}
	return hs
}

func (d *dec) strings() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) end() error {
	if d.bad || d.i != len(d.b) {
		return errMalformed
	}
	return nil
}

// decodeSession decodes a session record payload.
func decodeSession(b []byte) (uint64, *session.Session, error) {
	d := &dec{b: b}
	idx := d.uvarint()
	s := &session.Session{ID: d.str(), Client: d.str(), Upstream: d.str()}
	s.Started = d.time()
	s.Ended = d.time()
	s.State = session.State(d.u8())
	if d.bool() {
		f := &session.Flip{At: d.time(), Token: d.str(), Exchange: d.str()}
		f.Offset = d.varint()
		s.Flip = f
	}
	s.Hints = d.hints()
	s.Error = d.str()
	return idx, s, d.end()
}

// decodeIndex decodes an index record payload: a session index and its ID.
func decodeIndex(b []byte) (uint64, string, error) {
	d := &dec{b: b}
	idx := d.uvarint()
	id := d.str()
	return idx, id, d.end()
}

// runRef is where a message whose bytes are not in its exchange record
// lies, back bytes before that record: a run of chunk records starting
// there (msgInChunks), or, when earlier, one piece there (msgEarlier).
type runRef struct {
	earlier bool
	idx     uint64
	side    session.Side
	back    int64
	skip    int64
	n       int64
}

// message decodes a message and returns it with the length of its Raw bytes
// in the exchange record, or the run of chunk records holding them.
func (d *dec) message() (*session.Message, int64, *runRef) {
	if !d.bool() {
		return nil, 0, nil
	}
	flags := d.u8()
	m := &session.Message{Chunked: flags&msgChunked != 0, Truncated: flags&msgTruncated != 0}
	if flags&^(msgChunked|msgTruncated|msgInChunks|msgEarlier) != 0 || flags&msgInChunks != 0 && flags&msgEarlier != 0 {
		d.fail()
	}
	m.Method, m.Target, m.Proto = d.istr(), d.str(), d.istr()
	m.Status = int(d.varint())
	m.Reason = d.istr()
	m.Headers = d.headers()
	m.Trailers = d.headers()
	raw := d.uvarint()
	m.HeadLen = int(d.varint())
	m.BodyLen = d.varint()
	m.First = d.time()
	m.Last = d.time()
	if m.HeadLen < 0 { // a negative HeadLen would make Body panic
		d.fail()
	}
	if flags&msgEarlier != 0 {
		r := &runRef{earlier: true, back: int64(d.uvarint()), n: int64(raw)}
		if r.back <= 0 || r.n < 0 || raw > 1<<46 {
			d.fail()
		}
		return m, 0, r
	}
	if flags&msgInChunks != 0 {
		r := &runRef{idx: d.uvarint(), side: session.Side(d.u8())}
		r.back, r.skip, r.n = int64(d.uvarint()), int64(d.uvarint()), int64(raw)
		if r.side > session.FromUpstream || r.back <= 0 || r.skip < 0 || r.n < 0 || raw > 1<<46 {
			d.fail()
		}
		return m, 0, r
	}
	if raw > MaxRecord {
		d.fail()
	}
	return m, int64(raw), nil
}

// decodeExchange decodes an exchange's metadata and returns the lengths of
// the request's and response's Raw bytes that follow it, and the runs of
// chunk records holding the bytes of those that are not there.
func decodeExchange(b []byte, intern map[string]string) (*session.Exchange, [2]int64, [2]*runRef, error) {
	d := &dec{b: b, intern: intern}
	var raws [2]int64
	var runs [2]*runRef
	e := &session.Exchange{ID: d.str(), Session: d.istr()}
	e.Seq = int(d.varint())
	e.Direction = session.Direction(d.u8())
	e.Transport = session.Transport(d.u8())
	e.Request, raws[0], runs[0] = d.message()
	e.Response, raws[1], runs[1] = d.message()
	e.MessageID = d.str()
	e.Carriers = d.strings()
	e.Carries = d.strings()
	e.ReplayOf = d.str()
	e.Hints = d.hints()
	e.Error = d.str()
	flags := d.u8()
	e.Injected = flags&exInjected != 0
	if flags&^(exInjected|exOriginal) != 0 {
		d.fail()
	}
	if flags&exOriginal != 0 {
		m, n, run := d.message()
		if m == nil || run != nil || n > int64(len(d.b)-d.i) {
			d.fail()
		} else {
			m.Raw = append([]byte(nil), d.b[d.i:d.i+int(n)]...)
			d.i += int(n)
			e.Original = m
		}
	}
	return e, raws, runs, d.end()
}

// decodeChunkHead decodes the fixed part of a chunk payload and returns the
// number of bytes it took.
func decodeChunkHead(b []byte) (idx uint64, side session.Side, t time.Time, n int, err error) {
	d := &dec{b: b}
	idx = d.uvarint()
	side = session.Side(d.u8())
	t = d.time()
	if d.bad || side > session.FromUpstream {
		return 0, 0, time.Time{}, 0, errMalformed
	}
	return idx, side, t, d.i, nil
}
