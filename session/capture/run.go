package capture

import (
	"encoding/binary"
	"fmt"
	"io"

	"ptth-inspector/session"
)

// A Writer remembers a live stream's latest chunk records for Spool: the
// dissector leaves a message to them once it passes 64 KiB, and the record
// holding its start must still be known then, however small the reads it
// arrived in (over a real network the relay often reads one TCP segment at
// a time). The start lies at most 64 KiB before the latest record, which
// may be of any size: the Writer keeps the records covering spoolCover
// bytes before the latest one, and the latest, at most spoolRing of them
// (reads down to 96 bytes).
const (
	spoolCover = 96 << 10 // 64 KiB and slack
	spoolRing  = 1024
)

// chunkRun reads a message whose bytes are stored once, in the chunk records
// the relay wrote as they crossed it, instead of again in its exchange
// record: from the chunk record at rec on, the payloads of session idx's
// side chunks, less the first skip bytes. Records of other streams in
// between are stepped over.
type chunkRun struct {
	src  io.ReaderAt // the capture file
	rec  int64       // frame offset of the chunk record holding the first byte
	idx  uint64
	side session.Side
	skip int64
	// check says to read each record whole and check its CRC: for a file
	// opened to read, not for the bytes a live Writer has just written.
	check bool
}

// stored is where a message's bytes already lie in the file a Writer
// writes, so its exchange record names them instead of holding them again:
// a run of chunk records (msgInChunks), or, when earlier, one piece an
// earlier record holds at offset at (msgEarlier).
type stored struct {
	run     chunkRun
	earlier bool
	at      int64
}

// chunkHeadMax bounds a chunk record's frame and fixed payload head.
const chunkHeadMax = frameLen + binary.MaxVarintLen64 + 1 + 8

// ReadAt reads len(p) bytes of the run from offset off. With check, each
// chunk record it takes bytes from is read whole and its CRC checked, so
// damage done to the file after it was opened is an error, not wrong bytes.
func (c chunkRun) ReadAt(p []byte, off int64) (int, error) {
	skip, pos, done := c.skip+off, c.rec, 0
	var hdr [chunkHeadMax]byte
	var payload []byte // scratch for the record being read
	for first := true; done < len(p); first = false {
		n, err := c.src.ReadAt(hdr[:], pos)
		if n < frameLen {
			return done, shortRead(pos, err)
		}
		plen := int64(binary.LittleEndian.Uint32(hdr[0:4]))
		kind := hdr[4]
		if !validKind(kind) || plen > MaxRecord {
			return done, fmt.Errorf("message bytes in chunk records: no record at offset %d", pos)
		}
		mine := false
		if kind == kindChunk {
			idx, side, _, hl, err := decodeChunkHead(hdr[frameLen:n])
			if err == nil && int64(hl) <= plen && idx == c.idx && side == c.side {
				mine = true
				data := plen - int64(hl)
				if skip >= data {
					skip -= data
				} else if !c.check {
					want := int(min(data-skip, int64(len(p)-done)))
					m, err := c.src.ReadAt(p[done:done+want], pos+frameLen+int64(hl)+skip)
					done += m
					if m < want {
						return done, shortRead(pos, err)
					}
					skip = 0
				} else {
					if int64(cap(payload)) < plen {
						payload = make([]byte, plen)
					}
					payload = payload[:plen]
					if m, err := c.src.ReadAt(payload, pos+frameLen); int64(m) < plen {
						return done, shortRead(pos, err)
					}
					if frameCRC(hdr[:frameLen], payload) != binary.LittleEndian.Uint32(hdr[5:9]) {
						return done, fmt.Errorf("message bytes in chunk records: record at offset %d is damaged (CRC mismatch)", pos)
					}
					done += copy(p[done:], payload[int64(hl)+skip:])
					skip = 0
				}
			}
		}
		if first && !mine {
			return done, fmt.Errorf("message bytes in chunk records: offset %d holds no chunk of the message's stream", pos)
		}
		pos += frameLen + plen
	}
	return done, nil
}

// shortRead is the error for a chunk record at pos that could not be read
// whole; err is what the read returned.
func shortRead(pos int64, err error) error {
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("message bytes in chunk records: at offset %d: %w", pos, err)
}

// chunkPos is where one chunk record of a stream is.
type chunkPos struct {
	rec   int64 // frame offset
	start int64 // stream offset of its first byte
	n     int64
}

// streamKey names one direction of one session in a Writer.
type streamKey struct {
	idx  uint64
	side session.Side
}

// streamTail is what a Writer remembers of one stream: its length so far
// and where its latest chunk records are.
type streamTail struct {
	pos     int64
	recent  []chunkPos // oldest first, from head on
	head    int
	covered int64 // bytes of recent[head:]
}

// add notes a chunk record of n bytes at frame offset rec and forgets the
// oldest ones no longer needed (see spoolCover).
func (t *streamTail) add(rec, n int64) {
	t.recent = append(t.recent, chunkPos{rec: rec, start: t.pos, n: n})
	t.pos += n
	t.covered += n
	for live := len(t.recent) - t.head; live > 1 && (live > spoolRing || t.covered-n-t.recent[t.head].n >= spoolCover); live-- {
		t.covered -= t.recent[t.head].n
		t.head++
	}
	if t.head > len(t.recent)/2 && t.head >= 64 { // reuse the slice's front
		t.recent = t.recent[:copy(t.recent, t.recent[t.head:])]
		t.head = 0
	}
}

// find returns the remembered chunk record holding stream offset off.
func (t *streamTail) find(off int64) (chunkPos, bool) {
	live := t.recent[t.head:]
	// Records are in stream order: search from the newest, where a message
	// being spooled starts.
	for i := len(live) - 1; i >= 0; i-- {
		c := live[i]
		if c.start <= off && off < c.start+c.n {
			return c, true
		}
		if c.start+c.n <= off {
			break
		}
	}
	return chunkPos{}, false
}

// Spool returns a reader of the bytes recorded so far (and later) by Chunk
// for sessionID's side, from stream offset off on; the stream offset counts
// every byte passed to Chunk for that session and side. It returns nil when
// off is not in one of the stream's latest chunk records or the writer
// cannot be read back. A message whose Ref uses such a reader is written by
// Exchange as a reference to the chunk records: its bytes are on disk once.
func (w *Writer) Spool(sessionID string, side session.Side, off int64) io.ReaderAt {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.usable() != nil || w.readBack() == nil {
		return nil
	}
	idx, ok := w.idx[sessionID]
	if !ok {
		return nil
	}
	t := w.streams[streamKey{idx, side}]
	if t == nil {
		return nil
	}
	c, ok := t.find(off)
	if !ok {
		return nil
	}
	return chunkRun{src: flushingReader{w}, rec: c.rec, idx: idx, side: side, skip: off - c.start}
}

// stored reports whether m's bytes are already in this writer's file: a
// run of its chunk records (see Spool), or bytes an earlier record holds
// (see Spill); it sets *at to where.
func (w *Writer) stored(m *session.Message, at *stored) bool {
	if m == nil || m.Raw != nil || m.Ref == nil || m.Ref.Off < 0 {
		return false
	}
	switch r := m.Ref.R.(type) {
	case chunkRun:
		if r.src != (flushingReader{w}) {
			return false
		}
		r.skip += m.Ref.Off
		*at = stored{run: r}
		return true
	case flushingReader:
		if r.w != w {
			return false
		}
		*at = stored{earlier: true, at: m.Ref.Off}
		return true
	}
	return false
}
