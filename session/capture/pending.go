package capture

import "ptth-inspector/session"

// Most exchanges are recorded twice close together: pending when their
// request is complete, then with the response. A small pending snapshot is
// held back until the writer next flushes: when the complete one comes
// first, the pending one is never written, which saves a third of the
// bytes of a small exchange. Held records are written before any record
// that would otherwise overtake them, so an exchange first appears in the
// file where it would have without holding (the reader orders exchanges
// by their first record).

// heldQueue is the pending snapshots held back, oldest first. Snapshots
// are dropped or written mostly from the front; the writer writes them all
// at each flush, so the list stays short.
type heldQueue struct {
	list []*session.Exchange // held from head on; nil where one was dropped
	head int
	at   map[string]int // exchange ID → index in list
}

// holdable reports whether e is a pending snapshot small enough to hold
// (and not edited at a breakpoint: a held snapshot is written with its
// request only).
func holdable(e *session.Exchange) bool {
	m := e.Request
	return e.Pending() && m != nil && m.Ref == nil && len(m.Raw) <= InlineRaw && e.Original == nil
}

// hold keeps e back, replacing a held snapshot of the same exchange. w.mu is held.
func (w *Writer) hold(e *session.Exchange) {
	q := &w.held
	if q.at == nil {
		q.at = map[string]int{}
	}
	if i, ok := q.at[e.ID]; ok {
		q.list[i] = e
		return
	}
	q.at[e.ID] = len(q.list)
	q.list = append(q.list, e)
}

// releaseBefore writes the held snapshots that must come before a record
// of the exchange id: those held before id's own, or all when id is not
// held. w.mu is held.
func (w *Writer) releaseBefore(id string) error {
	q := &w.held
	if len(q.at) == 0 {
		return nil
	}
	end, ok := q.at[id]
	if !ok {
		return w.releaseHeld()
	}
	return w.writeHeld(end)
}

// drop forgets id's held snapshot, if any: a newer one was written. w.mu is held.
func (w *Writer) drop(id string) {
	q := &w.held
	if i, ok := q.at[id]; ok {
		q.list[i] = nil
		delete(q.at, id)
		w.writeHeld(q.head) // only steps head past dropped entries
	}
}

// releaseHeld writes every held snapshot. w.mu is held.
func (w *Writer) releaseHeld() error { return w.writeHeld(len(w.held.list)) }

// writeHeld writes and forgets the held snapshots before index end. w.mu is held.
func (w *Writer) writeHeld(end int) error {
	q := &w.held
	var first error
	for ; q.head < len(q.list) && (q.head < end || q.list[q.head] == nil); q.head++ {
		e := q.list[q.head]
		if e == nil {
			continue
		}
		q.list[q.head] = nil
		delete(q.at, e.ID)
		if err := w.exchangeLocked(e); err != nil && first == nil {
			first = err
		}
	}
	if q.head == len(q.list) {
		q.list, q.head = q.list[:0], 0
	}
	return first
}
