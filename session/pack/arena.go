// Package pack keeps exchanges compactly in memory: each is encoded into an
// append-only arena of bytes, and strings that repeat (session ids, header
// names, common header values, dates) are stored once in a table. A packed
// exchange is decoded when it is needed; its strings and in-memory wire
// bytes point into the arena, whose bytes are never written again, so a
// decoded exchange stays valid for as long as anyone holds it.
//
// A million small exchanges take about 150 bytes each this way, against
// about 1.2 KB as session structs. An Arena is not safe for concurrent use
// while it is being written (Put); reads may run concurrently.
package pack

import (
	"hash/maphash"
	"io"
	"reflect"
	"unsafe"

	"ptth-inspector/session"
)

// Ref locates a packed exchange in its arena.
type Ref uint64

const (
	chunkSize   = 1 << 20   // bytes per arena chunk
	ownChunk    = 256 << 10 // records larger than this get a chunk of their own
	maxTableLen = 64        // longer strings are never put in the table
	maxTable    = 1 << 18   // table entries at most
	maxSeen     = 1 << 16   // strings seen once, remembered at most
)

// Arena holds packed exchanges.
type Arena struct {
	chunks   [][]byte // filled chunks and the one being filled (cur)
	cur      int      // index of the chunk new records go to; -1: none yet
	strs     table[string]
	pairs    table[session.Header]  // whole header lines that repeat
	readers  []io.ReaderAt          // where RawRefs read from
	readerAt map[io.ReaderAt]uint64 // index in readers of each comparable one
	buf      []byte                 // scratch for encoding one record
	sec      []byte                 // scratch for encoding one section of a message
	used     int64                  // bytes of records packed
}

// New returns an empty arena.
func New() *Arena {
	seed := maphash.MakeSeed()
	return &Arena{cur: -1,
		strs: newTable(func(s string) uint64 { return maphash.String(seed, s) }),
		pairs: newTable(func(h session.Header) uint64 {
			var m maphash.Hash
			m.SetSeed(seed)
			m.WriteString(h.Name)
			m.WriteByte(0)
			m.WriteString(h.Value)
			return m.Sum64()
		})}
}

// Bytes returns how many bytes the packed records and the table take.
func (a *Arena) Bytes() int64 { return a.used }

// Put packs a copy of e and returns where it is; e is not kept.
func (a *Arena) Put(e *session.Exchange) Ref {
	a.buf = a.appendExchange(a.buf[:0], e)
	ref := a.store(a.buf)
	if cap(a.buf) > ownChunk {
		a.buf = nil
	}
	return ref
}

// store copies a record into the arena.
func (a *Arena) store(rec []byte) Ref {
	n := len(rec)
	a.used += int64(n)
	if n > ownChunk {
		c := make([]byte, n)
		copy(c, rec)
		a.chunks = append(a.chunks, c)
		return makeRef(len(a.chunks)-1, 0)
	}
	if a.cur < 0 || len(a.chunks[a.cur])+n > chunkSize {
		a.chunks = append(a.chunks, make([]byte, 0, chunkSize))
		a.cur = len(a.chunks) - 1
	}
	c := a.chunks[a.cur]
	off := len(c)
	a.chunks[a.cur] = append(c, rec...)
	return makeRef(a.cur, off)
}

func makeRef(chunk, off int) Ref { return Ref(uint64(chunk)<<32 | uint64(off)) }

// record returns the bytes from r to the end of its chunk.
func (a *Arena) record(r Ref) []byte {
	c := a.chunks[r>>32]
	return c[uint32(r):len(c):len(c)]
}

// table keeps values seen at least twice, once each, numbered in the
// order they were taken.
type table[K comparable] struct {
	items []K
	idx   map[K]uint32
	// seen holds hashes of values seen once, the candidates: hashes, not
	// the values, which may be slices of a whole message head that must
	// not stay in memory (a collision only takes a value a little early).
	seen map[uint64]struct{}
	hash func(K) uint64
}

func newTable[K comparable](hash func(K) uint64) table[K] {
	return table[K]{idx: map[K]uint32{}, seen: map[uint64]struct{}{}, hash: hash}
}

// index returns k's number, taking k (as keep copies it) the second time
// it is seen; fits says whether k may be taken at all.
func (t *table[K]) index(k K, fits bool, keep func(K) K) (uint32, bool) {
	if i, ok := t.idx[k]; ok {
		return i, true
	}
	if !fits || len(t.items) >= maxTable {
		return 0, false
	}
	h := t.hash(k)
	if _, ok := t.seen[h]; !ok {
		if len(t.seen) >= maxSeen {
			clear(t.seen)
		}
		t.seen[h] = struct{}{}
		return 0, false
	}
	delete(t.seen, h)
	kept := keep(k)
	i := uint32(len(t.items))
	t.items = append(t.items, kept)
	t.idx[kept] = i
	return i, true
}

// intern returns s's number in the string table, if it has one.
func (a *Arena) intern(s string) (uint32, bool) {
	return a.strs.index(s, len(s) > 0 && len(s) <= maxTableLen, a.keepString)
}

// internPair returns h's number in the header table, if it has one.
func (a *Arena) internPair(h session.Header) (uint32, bool) {
	return a.pairs.index(h, len(h.Name)+len(h.Value) <= maxTableLen, func(h session.Header) session.Header {
		return session.Header{Name: a.keepString(h.Name), Value: a.keepString(h.Value)}
	})
}

// keepString copies s into the arena and returns the copy.
func (a *Arena) keepString(s string) string {
	if s == "" {
		return ""
	}
	ref := a.store([]byte(s))
	return unsafe.String(&a.record(ref)[0], len(s))
}

// reader returns the index of r in the readers table, adding it when new.
// A reader that cannot be compared is added every time.
func (a *Arena) reader(r io.ReaderAt) uint64 {
	comparable := r == nil || reflect.TypeOf(r).Comparable()
	if comparable {
		if i, ok := a.readerAt[r]; ok {
			return i
		}
	}
	i := uint64(len(a.readers))
	a.readers = append(a.readers, r)
	if comparable {
		if a.readerAt == nil {
			a.readerAt = map[io.ReaderAt]uint64{}
		}
		a.readerAt[r] = i
	}
	return i
}
