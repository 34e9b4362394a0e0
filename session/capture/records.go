package capture

import (
	"encoding/binary"

	"ptth-inspector/session"
)

func (s *scanner) session(p int64, pay []byte) {
	idx, sess, err := decodeSession(pay)
	if err != nil {
		s.warn("undecodable session record at offset %d skipped", p)
		return
	}
	s.ids[idx] = sess.ID
	s.sum.Sessions++
	if s.h.Session != nil {
		s.h.Session(sess)
	}
}

// chunk hands a chunk record's bytes over; owned says pay is not the window.
func (s *scanner) chunk(p int64, pay []byte, owned bool) {
	idx, side, t, hl, err := decodeChunkHead(pay)
	if err != nil {
		s.warn("undecodable chunk record at offset %d skipped", p)
		return
	}
	id, ok := s.ids[idx]
	if !ok {
		s.warn("chunk at offset %d names unknown session index %d; skipped", p, idx)
		return
	}
	s.sum.Chunks++
	b := pay[hl:]
	if !owned {
		b = append([]byte(nil), b...)
	}
	s.h.Chunk(id, side, t, b)
}

// exchange decodes the exchange record at p with payload length n; pay is
// the payload when it is in the window, nil when it must be read from the
// file. Raw bytes over InlineRaw are left in the file behind a RawRef.
func (s *scanner) exchange(p, n int64, pay []byte) error {
	base := p + frameLen
	get := func(rel, l int64) ([]byte, error) {
		if pay != nil {
			return append([]byte(nil), pay[rel:rel+l]...), nil
		}
		return s.readAt(base+rel, l)
	}
	if n < 4 {
		s.warn("undecodable exchange record at offset %d skipped", p)
		return nil
	}
	b, err := get(0, 4)
	if err != nil {
		return err
	}
	ml := int64(binary.LittleEndian.Uint32(b))
	if ml > n-4 {
		s.warn("undecodable exchange record at offset %d skipped", p)
		return nil
	}
	meta := pay
	if meta == nil {
		if meta, err = s.readAt(base+4, ml); err != nil {
			return err
		}
	} else {
		meta = pay[4 : 4+ml]
	}
	e, raws, runs, err := decodeExchange(meta, s.intern)
	if err != nil || raws[0]+raws[1] != n-4-ml {
		s.warn("undecodable exchange record at offset %d skipped", p)
		return nil
	}
	rel := 4 + ml
	msgs := [2]*session.Message{e.Request, e.Response}
	for i, r := range runs {
		switch {
		case r == nil:
		case r.back > p-int64(fileHdrLen) || r.n > r.back: // its bytes all lie before this record
			s.warn("exchange record at offset %d points outside the file before it; its %s bytes are lost", p, [2]string{"request", "response"}[i])
		case r.earlier:
			msgs[i].Ref = &session.RawRef{R: s.f, Off: p - r.back, Len: r.n}
		default:
			msgs[i].Ref = &session.RawRef{R: chunkRun{src: s.f, rec: p - r.back, idx: r.idx, side: r.side, skip: r.skip, check: true}, Len: r.n}
		}
	}
	if s.inlineLeft >= 0 && s.inlineLeft < raws[0]+raws[1] {
		// Over the budget: both stay in the file, behind one allocation.
		refs := new([2]session.RawRef)
		for i, m := range msgs {
			if m != nil && raws[i] > 0 {
				refs[i] = session.RawRef{R: s.f, Off: base + rel, Len: raws[i]}
				m.Ref = &refs[i]
			}
			rel += raws[i]
		}
		s.sum.Exchanges++
		s.h.Exchange(e)
		return nil
	}
	if raws[0] <= InlineRaw && raws[1] <= InlineRaw && raws[0]+raws[1] > 0 {
		if s.inlineLeft >= 0 {
			s.inlineLeft -= raws[0] + raws[1]
		}
		// Both in memory: one allocation holds both (capped slices, so an
		// append to one can never write into the other).
		both, err := get(rel, raws[0]+raws[1])
		if err != nil {
			return err
		}
		for i, m := range msgs {
			if m != nil && raws[i] > 0 {
				m.Raw = both[:raws[i]:raws[i]]
			}
			both = both[raws[i]:]
		}
		s.sum.Exchanges++
		s.h.Exchange(e)
		return nil
	}
	for i, m := range msgs {
		switch l := raws[i]; {
		case m == nil || l == 0:
		case l <= InlineRaw:
			if m.Raw, err = get(rel, l); err != nil {
				return err
			}
		default:
			m.Ref = &session.RawRef{R: s.f, Off: base + rel, Len: l}
		}
		rel += raws[i]
	}
	s.sum.Exchanges++
	s.h.Exchange(e)
	return nil
}
