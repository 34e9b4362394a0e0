package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	"ptth-inspector/session"
)

const (
	windowSize    = 1 << 20   // read buffer; larger records are streamed
	streamPiece   = 256 << 10 // piece size when checksumming a large record
	progressEvery = 4 << 20   // bytes between Progress calls
	maxWarnings   = 20        // further warnings are only counted
)

// Reader reads a capture file. Messages handed over with a RawRef read from
// it lazily, so keep it open while they are in use.
type Reader struct {
	f    *os.File
	path string
	// InlineBudget bounds the message bytes one Scan hands over in memory:
	// once that many are out, every further message stays in the file
	// behind a Ref, so a huge capture of small exchanges keeps its bodies on
	// disk. Zero means no bound (messages up to InlineRaw are in memory).
	InlineBudget int64
}

// Handler receives the records of a capture, in file order. A nil function's
// records are skipped without reading their payload (nor checking it), except
// session records, which are always read when Chunk is set.
type Handler struct {
	Session  func(s *session.Session)
	Exchange func(e *session.Exchange)
	// Chunk receives bytes as they crossed the relay; b is the handler's to keep.
	Chunk    func(sessionID string, side session.Side, t time.Time, b []byte)
	Progress func(done, total int64) // called now and then, and once at the end
}

// Summary counts the records handed over (or skipped for a nil handler) and
// says what was damaged.
type Summary struct {
	Sessions, Exchanges, Chunks int
	Warnings                    []string
}

// Open opens a capture file and checks its header.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	hdr := make([]byte, fileHdrLen)
	n, err := io.ReadFull(f, hdr)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		f.Close()
		return nil, fmt.Errorf("open capture %s: %w", path, err)
	}
	if err := checkHeader(path, hdr[:n]); err != nil {
		f.Close()
		return nil, err
	}
	return &Reader{f: f, path: path}, nil
}

func checkHeader(path string, h []byte) error {
	m := min(len(h), len(Magic))
	switch {
	case len(h) == 0:
		return fmt.Errorf("%s: %w (the file is empty)", path, ErrNotCapture)
	case string(h[:m]) != Magic[:m]:
		return fmt.Errorf("%s: %w (it starts with %q, a capture starts with %q)", path, ErrNotCapture, h, Magic)
	case len(h) < fileHdrLen:
		return fmt.Errorf("%s: %w (the file is only %d bytes, shorter than the %d-byte header)", path, ErrNotCapture, len(h), fileHdrLen)
	case h[len(Magic)] < MinVersion || h[len(Magic)] > Version:
		return fmt.Errorf("%s: %w: the file is format version %d, this build reads versions %d to %d", path, ErrVersion, h[len(Magic)], MinVersion, Version)
	}
	return nil
}

// Path returns the file the reader reads.
func (r *Reader) Path() string { return r.path }

// Close closes the file; RawRefs handed out by Scan stop working.
func (r *Reader) Close() error { return r.f.Close() }

// Scan streams the whole file once, in order, to h. A torn or corrupt record
// is skipped with a warning (see the package documentation); only I/O errors
// are returned. Scan may be called again, also concurrently.
func (r *Reader) Scan(h Handler) (Summary, error) {
	fi, err := r.f.Stat()
	if err != nil {
		return Summary{}, fmt.Errorf("scan capture %s: %w", r.path, err)
	}
	s := &scanner{f: r.f, path: r.path, size: fi.Size(), h: h, ids: map[uint64]string{}, intern: map[string]string{}, inlineLeft: -1, since: -1}
	if r.InlineBudget > 0 {
		s.inlineLeft = r.InlineBudget
	}
	p := int64(fileHdrLen)
	for p < s.size {
		if h.Progress != nil && p >= s.nextProgress {
			h.Progress(p, s.size)
			s.nextProgress = p + progressEvery
		}
		if p, err = s.step(p); err != nil {
			return s.sum, err
		}
	}
	if s.suppressed > 0 {
		s.sum.Warnings = append(s.sum.Warnings, fmt.Sprintf("%d more warnings not shown", s.suppressed))
	}
	if h.Progress != nil {
		h.Progress(s.size, s.size)
	}
	return s.sum, nil
}

// scanner is the state of one Scan.
type scanner struct {
	intern       map[string]string // repeated strings, kept once
	inlineLeft   int64             // message bytes still allowed in memory; <0: no bound
	f            *os.File
	path         string
	size         int64
	h            Handler
	sum          Summary
	ids          map[uint64]string // session index → ID
	win          []byte            // buffered part of the file
	winOff       int64             // file offset of win[0]
	tmp          []byte            // piece buffer for large records
	suppressed   int
	nextProgress int64
	// since is the offset of the first record skipped without a CRC check
	// after the last checked one (-1: none), and sinceSum the counts then:
	// a wrong length in such a record only shows where the walk lands.
	since    int64
	sinceSum Summary
}

func (s *scanner) warn(format string, args ...any) {
	if len(s.sum.Warnings) >= maxWarnings {
		s.suppressed++
		return
	}
	s.sum.Warnings = append(s.sum.Warnings, fmt.Sprintf(format, args...))
}

func (s *scanner) ioErr(off int64, err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("file shrank while being read")
	}
	return fmt.Errorf("read capture %s at offset %d: %w", s.path, off, err)
}

// at returns n ≤ windowSize bytes at offset p (p+n ≤ size) from the window,
// refilling it when needed. The bytes are valid until the next call.
func (s *scanner) at(p int64, n int) ([]byte, error) {
	if p >= s.winOff && p+int64(n) <= s.winOff+int64(len(s.win)) {
		i := int(p - s.winOff)
		return s.win[i : i+n], nil
	}
	if s.win == nil {
		s.win = make([]byte, windowSize)
	}
	m := int(min(int64(windowSize), s.size-p))
	k, err := s.f.ReadAt(s.win[:m], p)
	if k < m {
		s.win, s.winOff = s.win[:0], 0
		return nil, s.ioErr(p, err)
	}
	s.win, s.winOff = s.win[:m], p
	return s.win[:n], nil
}

// readAt returns n fresh bytes at offset p.
func (s *scanner) readAt(p, n int64) ([]byte, error) {
	b := make([]byte, n)
	if k, err := s.f.ReadAt(b, p); int64(k) < n {
		return nil, s.ioErr(p, err)
	}
	return b, nil
}

// frame checks the frame at p: ok is false when its header is invalid, it
// runs past the end of the file (torn) or its checksum is wrong. When the
// frame fits the window, pay is its payload.
func (s *scanner) frame(p int64, check bool) (kind byte, n int64, pay []byte, ok, torn bool, err error) {
	if s.size-p < frameLen {
		return 0, 0, nil, false, true, nil
	}
	hdr, err := s.at(p, frameLen)
	if err != nil {
		return 0, 0, nil, false, false, err
	}
	n = int64(binary.LittleEndian.Uint32(hdr))
	kind, want := hdr[4], binary.LittleEndian.Uint32(hdr[5:])
	if !validKind(kind) || n > MaxRecord {
		return 0, 0, nil, false, false, nil
	}
	if p+frameLen+n > s.size {
		return kind, n, nil, false, true, nil
	}
	if !check {
		return kind, n, nil, true, false, nil
	}
	if frameLen+n > windowSize {
		got, err := s.streamCRC(p, n)
		return kind, n, nil, got == want, false, err
	}
	fr, err := s.at(p, int(frameLen+n))
	if err != nil {
		return 0, 0, nil, false, false, err
	}
	return kind, n, fr[frameLen:], frameCRC(fr, fr[frameLen:]) == want, false, nil
}

// streamCRC checksums a large frame at p piece by piece.
func (s *scanner) streamCRC(p, n int64) (uint32, error) {
	if s.tmp == nil {
		s.tmp = make([]byte, streamPiece)
	}
	hdr := s.tmp[:frameLen]
	if k, err := s.f.ReadAt(hdr, p); k < frameLen {
		return 0, s.ioErr(p, err)
	}
	c := crc32.Update(0, castagnoli, hdr[:5])
	for off := p + frameLen; n > 0; {
		b := s.tmp[:min(n, streamPiece)]
		if k, err := s.f.ReadAt(b, off); k < len(b) {
			return 0, s.ioErr(off, err)
		}
		c = crc32.Update(c, castagnoli, b)
		off += int64(len(b))
		n -= int64(len(b))
	}
	return c, nil
}

// skip reports whether records of kind are not read for h.
func (s *scanner) skip(kind byte) bool {
	switch kind {
	case kindSession:
		return s.h.Session == nil && s.h.Chunk == nil
	case kindExchange:
		return s.h.Exchange == nil
	}
	return s.h.Chunk == nil
}

// step handles the record at p and returns where the next one starts.
func (s *scanner) step(p int64) (int64, error) {
	skip := false
	if s.size-p >= frameLen {
		hdr, err := s.at(p, frameLen)
		if err != nil {
			return 0, err
		}
		skip = s.skip(hdr[4])
	}
	kind, n, pay, ok, torn, err := s.frame(p, !skip)
	if err != nil {
		return 0, err
	}
	if !ok {
		// The walk may have landed here through a wrong length in a
		// record skipped unchecked: check those first.
		if next, damaged, err := s.recheck(p); err != nil || damaged {
			return next, err
		}
		return s.bad(p, torn)
	}
	end := p + frameLen + n
	if skip {
		if s.since < 0 {
			s.since, s.sinceSum = p, s.sum
		}
		s.count(kind)
		return end, nil
	}
	s.since = -1 // the walk up to here is sound
	owned := false
	if pay == nil && kind != kindExchange { // large record, checked already
		owned = true
		if pay, err = s.readAt(p+frameLen, n); err != nil {
			return 0, err
		}
	}
	switch kind {
	case kindSession:
		s.session(p, pay)
	case kindIndex:
		if idx, id, err := decodeIndex(pay); err != nil {
			s.warn("undecodable index record at offset %d skipped", p)
		} else {
			s.ids[idx] = id
		}
	case kindExchange:
		return end, s.exchange(p, n, pay)
	case kindChunk:
		s.chunk(p, pay, owned)
	}
	return end, nil
}

// count counts a record of kind in the summary.
func (s *scanner) count(kind byte) {
	switch kind {
	case kindSession:
		s.sum.Sessions++
	case kindExchange:
		s.sum.Exchanges++
	case kindChunk:
		s.sum.Chunks++
	}
}

// recheck checks the records skipped unchecked since s.since, up to stop
// (where the walk over them found a bad frame), counting them again: the
// first whose length is wrong sent the walk astray. damaged says one of them is bad: next is
// where reading resumes after it (see bad). Otherwise next is stop.
func (s *scanner) recheck(stop int64) (next int64, damaged bool, err error) {
	r := s.since
	if r < 0 {
		return stop, false, nil
	}
	s.since = -1
	s.sum.Sessions, s.sum.Exchanges, s.sum.Chunks = s.sinceSum.Sessions, s.sinceSum.Exchanges, s.sinceSum.Chunks
	for r < stop {
		kind, n, _, ok, torn, err := s.frame(r, true)
		if err != nil {
			return 0, false, err
		}
		if !ok && !torn && n > 0 {
			// A wrong CRC but a length that leads to a sound record: the
			// damage is in the payload, which this scan does not read.
			if _, _, _, next, _, err := s.frame(r+frameLen+n, true); err != nil {
				return 0, false, err
			} else if next && r+frameLen+n < stop {
				ok = true
			}
		}
		if !ok {
			next, err := s.bad(r, torn)
			return next, true, err
		}
		s.count(kind)
		r += frameLen + n
	}
	return stop, false, nil
}

// bad skips a torn or corrupt frame at p: reading resumes at the next valid
// frame, if any.
func (s *scanner) bad(p int64, torn bool) (int64, error) {
	for q := p + 1; q+frameLen <= s.size; q++ {
		_, _, _, ok, _, err := s.frame(q, true)
		if err != nil {
			return 0, err
		}
		if ok {
			s.warn("corrupt data at offset %d skipped (%d bytes); reading resumed at offset %d", p, q-p, q)
			return q, nil
		}
	}
	if torn {
		s.warn("torn record at offset %d skipped (file ends mid-record)", p)
	} else {
		s.warn("corrupt data from offset %d to the end of the file skipped (%d bytes)", p, s.size-p)
	}
	return s.size, nil
}
