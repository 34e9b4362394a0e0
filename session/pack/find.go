package pack

import "unsafe"

// Finder searches packed exchanges for one word without decoding them. The
// text of an exchange is what the window's free-text filter searches: its
// message-id and error, and per message its in-memory wire bytes (which hold
// the start line, headers and body) and, when cut short, its trailers; a
// message without wire bytes in memory offers its method, target, reason,
// headers and trailers instead. A table string is tested once per Finder.
// A Finder is not safe for concurrent use.
type Finder struct {
	has   func(b []byte) bool
	memo  []uint8 // per table string: 0 not tested yet, 1 no, 2 yes
	pmemo []uint8 // per header table line, likewise
}

// NewFinder returns a Finder for the word that has recognises.
func NewFinder(has func(b []byte) bool) *Finder { return &Finder{has: has} }

// Find reports whether the text of the exchange at r holds f's word.
func (a *Arena) Find(r Ref, f *Finder) bool {
	d := dec{a: a, b: a.record(r)}
	d.skipStr() // ID
	d.skipStr() // Session
	d.uvarint() // Seq
	d.i += 3 + 8
	found := d.findMessage(f) || d.findMessage(f)
	if found {
		return true
	}
	if d.findStr(f) { // MessageID
		return true
	}
	for range 2 { // Carriers, Carries
		for n := d.uvarint(); n > 0; n-- {
			d.skipStr()
		}
	}
	d.skipStr() // ReplayOf
	for n := d.uvarint(); n > 0; n-- {
		d.skipStr()
		d.skipStr()
		d.skipStr()
	}
	return d.findStr(f) // Error
}

func (d *dec) skipStr() {
	if v := d.uvarint(); v&1 == 0 {
		d.i += int(v >> 1)
	}
}

// findStr tests the next string for the word.
func (d *dec) findStr(f *Finder) bool {
	v := d.uvarint()
	if v&1 == 0 {
		n := int(v >> 1)
		d.i += n
		return n > 0 && f.has(d.b[d.i-n:d.i])
	}
	return f.tested(&f.memo, int(v>>1), func() bool { return f.hasString(d.a.strs.items[v>>1]) })
}

// tested returns what test says about table entry k, asking it once.
func (f *Finder) tested(memo *[]uint8, k int, test func() bool) bool {
	if k >= len(*memo) {
		*memo = append(*memo, make([]uint8, k+1-len(*memo))...)
	}
	m := *memo
	if m[k] == 0 {
		m[k] = 1
		if test() {
			m[k] = 2
		}
	}
	return m[k] == 2
}

func (f *Finder) hasString(s string) bool {
	return len(s) > 0 && f.has(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// findMessage searches the next message and leaves d after it when the
// word is not found (when it is, the rest of the record is not read).
func (d *dec) findMessage(f *Finder) bool {
	flags := d.byte()
	if flags == 0 {
		return false
	}
	start := d.i
	d.skipStr() // Method
	d.skipStr() // Target
	d.skipStr() // Proto
	d.uvarint() // Status
	d.skipStr() // Reason
	n := int(d.uvarint())
	heads := d.i
	d.i += n
	d.i += int(d.uvarint()) // lengths, times, where bytes on disk are
	var raw []byte
	if flags&msgRawInline != 0 {
		raw = d.bytes(int(d.uvarint()))
	}
	end := d.i
	if len(raw) > 0 {
		if f.has(raw) {
			return true
		}
		if flags&(msgTruncated|msgTrailers) == msgTruncated|msgTrailers {
			d.i = heads
			d.skipHeaders()
			if d.findHeaders(f) {
				return true
			}
		}
		d.i = end
		return false
	}
	d.i = start
	if d.findStr(f) || d.findStr(f) { // Method, Target
		return true
	}
	d.skipStr()
	d.uvarint()
	if d.findStr(f) { // Reason
		return true
	}
	d.uvarint()
	if d.findHeaders(f) || (flags&msgTrailers != 0 && d.findHeaders(f)) {
		return true
	}
	d.i = end
	return false
}

func (d *dec) skipHeaders() {
	for n := d.uvarint(); n > 0; n-- {
		if d.uvarint()&1 == 0 {
			d.skipStr()
			d.skipStr()
		}
	}
}

func (d *dec) findHeaders(f *Finder) bool {
	for n := d.uvarint(); n > 0; n-- {
		p := d.uvarint()
		if p&1 == 0 {
			if d.findStr(f) || d.findStr(f) {
				return true
			}
			continue
		}
		h := d.a.pairs.items[p>>1]
		if f.tested(&f.pmemo, int(p>>1), func() bool { return f.hasString(h.Name) || f.hasString(h.Value) }) {
			return true
		}
	}
	return false
}
