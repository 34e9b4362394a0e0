package pack

import (
	"encoding/binary"
	"time"
	"unsafe"

	"ptth-inspector/session"
)

// Parts are parts of an exchange a View may leave out.
type Parts uint8

// Parts of an exchange.
const (
	Headers Parts = 1 << iota // every message's Headers and Trailers
	Wire                      // every message's HeadLen, BodyLen, First, Last, Raw and Ref
)

// View is scratch space for reading packed exchanges without allocating:
// what View returns is overwritten by the next read into the same View.
type View struct {
	// Skip leaves parts out (zero), for readers that need none of them:
	// decoding is then much faster.
	Skip Parts
	e    session.Exchange
	m    [2]session.Message
	hs   []session.Header
	ss   []string
	hts  []session.Hint
	ref  [2]session.RawRef
}

// Get returns a new copy of the exchange at r. Its strings and in-memory
// Raw bytes point into the arena: read them, never write them.
func (a *Arena) Get(r Ref) *session.Exchange {
	x := &struct {
		e session.Exchange
		m [2]session.Message
	}{}
	d := dec{a: a, b: a.record(r)}
	d.exchange(&x.e, &x.m, nil)
	return &x.e
}

// View decodes the exchange at r into v and returns it; it is valid until
// the next View into v, and its slices and messages must not be kept.
func (a *Arena) View(r Ref, v *View) *session.Exchange {
	d := dec{a: a, b: a.record(r)}
	v.hs, v.ss, v.hts = v.hs[:0], v.ss[:0], v.hts[:0]
	v.e, v.m = session.Exchange{}, [2]session.Message{}
	d.exchange(&v.e, &v.m, v)
	return &v.e
}

// ID returns the id of the exchange at r without decoding the rest.
func (a *Arena) ID(r Ref) string {
	d := dec{a: a, b: a.record(r)}
	return d.str()
}

// dec reads one packed record; the arena wrote it, so it is trusted.
type dec struct {
	a *Arena
	b []byte
	i int
}

func (d *dec) uvarint() uint64 {
	if c := d.b[d.i]; c < 0x80 {
		d.i++
		return uint64(c)
	}
	return d.longUvarint()
}

func (d *dec) longUvarint() uint64 {
	var x uint64
	for s, b := uint(0), d.b[d.i:]; ; s += 7 {
		c := b[s/7]
		if c < 0x80 {
			d.i += int(s/7) + 1
			return x | uint64(c)<<s
		}
		x |= uint64(c&0x7f) << s
	}
}

func (d *dec) fixed64() int64 {
	v := int64(binary.LittleEndian.Uint64(d.b[d.i:]))
	d.i += 8
	return v
}

func (d *dec) varint() int64 {
	z := d.uvarint()
	return int64(z>>1) ^ -int64(z&1)
}

func (d *dec) byte() byte {
	c := d.b[d.i]
	d.i++
	return c
}

// bytes returns the next n bytes, capped so an append copies them.
func (d *dec) bytes(n int) []byte {
	b := d.b[d.i : d.i+n : d.i+n]
	d.i += n
	return b
}

func (d *dec) str() string {
	v := d.uvarint()
	if v&1 == 1 {
		return d.a.strs.items[v>>1]
	}
	n := int(v >> 1)
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.i], n)
	d.i += n
	return s
}

func (d *dec) time(base int64) time.Time {
	v := d.uvarint()
	switch v {
	case 0:
		return time.Time{}
	case 1:
		sec := d.varint()
		return time.Unix(sec, int64(d.uvarint()))
	}
	z := v - 2
	delta := int64(z>>1) ^ -int64(z&1)
	return time.Unix(0, base+delta)
}

// exchange decodes into e and its two messages; slices come from v when
// given (scratch), else are allocated.
func (d *dec) exchange(e *session.Exchange, m *[2]session.Message, v *View) {
	e.ID, e.Session = d.str(), d.str()
	e.Seq = int(d.varint())
	e.Direction, e.Transport = session.Direction(d.byte()), session.Transport(d.byte())
	flags := d.byte()
	e.Injected = flags&exInjected != 0
	base := d.fixed64()
	if d.message(&m[0], base, v, 0) {
		e.Request = &m[0]
	}
	if d.message(&m[1], base, v, 1) {
		e.Response = &m[1]
	}
	e.MessageID = d.str()
	e.Carriers = d.strs(v)
	e.Carries = d.strs(v)
	e.ReplayOf = d.str()
	if n := int(d.uvarint()); n > 0 {
		hs := d.hintSlice(v, n)
		for k := range hs {
			hs[k] = session.Hint{Code: d.str(), Text: d.str(), Exchange: d.str()}
		}
		e.Hints = hs
	}
	e.Error = d.str()
	if flags&exOriginal != 0 {
		// Rare (edited at a breakpoint): its own allocation, never the
		// View's scratch, which holds the request's and response's parts.
		o := new(session.Message)
		d.message(o, base, nil, 0)
		e.Original = o
	}
}

func (d *dec) message(m *session.Message, base int64, v *View, k int) bool {
	flags := d.byte()
	if flags == 0 {
		return false
	}
	m.Chunked, m.Truncated = flags&msgChunked != 0, flags&msgTruncated != 0
	m.Method, m.Target, m.Proto = d.str(), d.str(), d.str()
	m.Status = int(d.varint())
	m.Reason = d.str()
	var skip Parts
	if v != nil {
		skip = v.Skip
	}
	n := int(d.uvarint())
	if skip&Headers != 0 {
		d.i += n
	} else {
		m.Headers = d.headers(v)
		if flags&msgTrailers != 0 {
			m.Trailers = d.headers(v)
		}
	}
	n = int(d.uvarint())
	if skip&Wire != 0 {
		d.i += n
		if flags&msgRawInline != 0 {
			d.i += int(d.uvarint())
		}
		return true
	}
	m.HeadLen = int(d.varint())
	m.BodyLen = d.varint()
	m.First, m.Last = d.time(base), d.time(base)
	if flags&msgRawRef != 0 {
		var ref *session.RawRef
		if v != nil {
			ref = &v.ref[k]
		} else {
			ref = new(session.RawRef)
		}
		*ref = session.RawRef{R: d.a.readers[d.uvarint()], Off: int64(d.uvarint()), Len: int64(d.uvarint())}
		m.Ref = ref
	}
	if flags&msgRawInline != 0 {
		m.Raw = d.bytes(int(d.uvarint()))
	}
	return true
}

func (d *dec) headers(v *View) []session.Header {
	n := int(d.uvarint())
	if n == 0 {
		return nil
	}
	var hs []session.Header
	if v != nil {
		k := len(v.hs)
		v.hs = append(v.hs, make([]session.Header, n)...)
		hs = v.hs[k : k+n : k+n]
	} else {
		hs = make([]session.Header, n)
	}
	for i := range hs {
		if p := d.uvarint(); p&1 == 1 {
			hs[i] = d.a.pairs.items[p>>1]
		} else {
			hs[i] = session.Header{Name: d.str(), Value: d.str()}
		}
	}
	return hs
}

func (d *dec) strs(v *View) []string {
	n := int(d.uvarint())
	if n == 0 {
		return nil
	}
	var ss []string
	if v != nil {
		k := len(v.ss)
		v.ss = append(v.ss, make([]string, n)...)
		ss = v.ss[k : k+n : k+n]
	} else {
		ss = make([]string, n)
	}
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *dec) hintSlice(v *View, n int) []session.Hint {
	if v == nil {
		return make([]session.Hint, n)
	}
	k := len(v.hts)
	v.hts = append(v.hts, make([]session.Hint, n)...)
	return v.hts[k : k+n : k+n]
}
