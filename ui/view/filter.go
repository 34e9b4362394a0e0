package view

import (
	"runtime"
	"sync"
	"sync/atomic"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/filter"
)

// SetFilter applies q (nil: everything) to every row. Large models are
// matched in parallel, one contiguous block of rows per CPU.
func (m *Model) SetFilter(q *filter.Query) {
	if q == nil {
		q = &filter.Query{}
	}
	m.q = q
	m.dirty = true
	n := m.Exchanges()
	m.match.reset(n)
	if q.Empty() {
		m.match.fill(n)
	} else {
		m.matchRange(q, n)
	}
	m.matches = 0
	for _, s := range m.sessions {
		s.Matches = 0
	}
	for r := 0; r < n; r++ {
		if m.match.get(r) {
			m.matches++
			m.sessions[m.rowSess[r]].Matches++
		}
	}
}

// Filter returns the query in force.
func (m *Model) Filter() *filter.Query { return m.q }

// matchBlock is how many rows a filter worker takes at a time: rows cost
// unevenly (those with bodies in memory are searched through), so workers
// take blocks as they go rather than one share each.
const matchBlock = 1 << 16

// matchRange sets the match bit of every row below n that q matches.
func (m *Model) matchRange(q *filter.Query, n int) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers < 2 {
		m.matchBlock(q, 0, n)
		return
	}
	// Blocks start on word boundaries so workers never share a word.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(matchBlock)) - matchBlock
				if lo >= n {
					return
				}
				m.matchBlock(q, lo, min(lo+matchBlock, n))
			}
		}()
	}
	wg.Wait()
}

func (m *Model) matchBlock(q *filter.Query, lo, hi int) {
	mt := store.Matcher{Match: q.Match, Words: q.Words(), Full: q.TermsReadText()}
	if terms := q.TermsOnly(); !terms.Empty() {
		mt.Terms = terms.Match
	}
	m.src.Filter(lo, hi, mt, m.match.set)
}

// Sessions returns every session in first-seen order.
func (m *Model) Sessions() []*SessionInfo { return m.sessions }

// SessionList returns the indexes of the sessions the session list shows:
// all of them without a filter, else those with a matching exchange (and
// the selected one, so the selection never vanishes).
func (m *Model) SessionList(out []int32) []int32 {
	out = out[:0]
	all := m.q.Empty()
	for i, s := range m.sessions {
		if all || s.Matches > 0 || i == m.sel {
			out = append(out, int32(i))
		}
	}
	return out
}

// Exchanges returns how many exchanges the model holds.
func (m *Model) Exchanges() int { return len(m.rowSess) }

// Matches returns how many exchanges pass the filter.
func (m *Model) Matches() int { return m.matches }

// Row returns the exchange with a row number (store index), or nil. Asked
// for the same row again, it returns the same snapshot until the row
// changes, even when the store had to decode it anew (the detail view
// compares snapshots to keep its place).
func (m *Model) Row(r int32) *session.Exchange {
	if r < 0 || int(r) >= m.Exchanges() {
		return nil
	}
	if r == m.lastRow && m.lastEx != nil {
		return m.lastEx
	}
	m.lastRow, m.lastEx = r, m.src.ExchangeAt(int(r))
	return m.lastEx
}

// bitset holds one bit per row.
type bitset []uint64

func (b *bitset) grow(n int) {
	for len(*b)*64 < n {
		*b = append(*b, 0)
	}
}

func (b *bitset) reset(n int) {
	words := (n + 63) / 64
	if cap(*b) < words {
		*b = make(bitset, words)
		return
	}
	*b = (*b)[:words]
	clear(*b)
}

func (b *bitset) fill(n int) {
	for i := range *b {
		(*b)[i] = ^uint64(0)
	}
	if rem := n % 64; rem != 0 {
		(*b)[len(*b)-1] = 1<<rem - 1
	}
}

func (b bitset) get(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) clear(i int)    { b[i>>6] &^= 1 << (i & 63) }
