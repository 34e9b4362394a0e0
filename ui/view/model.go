// Package view is the window's view model, free of any UI toolkit: it
// indexes a store's exchanges per session in wire order, applies a filter,
// and lists what the timeline and the session list show. The window feeds it
// store changes in batches on its own goroutine; the model is not safe for
// concurrent use.
package view

import (
	"math"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/filter"
)

// Source is the part of a store the model reads; *store.Store is one. The
// model keeps no exchanges, only what it needs to order, count and filter
// them, and asks the source for the ones it shows.
type Source interface {
	ExchangeAt(i int) *session.Exchange
	// Each calls fn for the exchanges from index from up to to, or to the
	// end; e is valid only during the call, and may lack its headers and
	// trailers unless headers is true.
	Each(from, to int, headers bool, fn func(i int, e *session.Exchange))
	// Filter calls hit for the exchanges from index from up to to that m passes.
	Filter(from, to int, m store.Matcher, hit func(i int))
	Index(id string) int
	Session(id string) *session.Session
	Sessions() []*session.Session
}

// AllSessions selects the merged view of every session.
const AllSessions = -1

// SessionInfo is one session as the session list shows it.
type SessionInfo struct {
	S         *session.Session
	Rows      []int32 // row numbers in wire order
	Matches   int     // rows that pass the filter
	HintRows  int     // rows that carry hints
	CometRows int     // COMET exchanges in the session
	first     int64   // unix nanos of the earliest request
	last      int64   // unix nanos of the latest byte seen
	flipRow   int32   // row of the exchange the roles flipped after, or -1
}

// Exchanges returns how many exchanges the session has.
func (s *SessionInfo) Exchanges() int { return len(s.Rows) }

// Hinted reports whether the session or any of its exchanges has warnings.
func (s *SessionInfo) Hinted() bool { return session.Warnings(s.S.Hints) > 0 || s.HintRows > 0 }

// Model indexes exchanges for display. Rows are numbered by store index.
type Model struct {
	src       Source
	rowSess   []int32 // per row: its session's index
	start     []int64 // per row: the request's start, unix nanos (noTime: none)
	flags     []uint8 // per row: rowCarrier, rowWarn
	match     bitset
	matches   int
	sessions  []*SessionInfo
	sessIndex map[string]int32
	all       []int32 // every row ordered by start time
	first     int64
	last      int64

	q        *filter.Query
	fold     bool // hide COMET carrier POSTs
	sel      int  // AllSessions or a session index
	visible  []int32
	flipDone []bool // per session: divider already placed in visible
	dirty    bool
	bulk     bool // Reload is adding rows: SetFilter matches them afterwards
	lastRow  int32
	lastEx   *session.Exchange // what Row last returned for lastRow; nil: nothing
}

// New returns an empty model over src; call Reload or Apply to fill it.
func New(src Source) *Model {
	return &Model{src: src, sessIndex: map[string]int32{}, sel: AllSessions, q: &filter.Query{}}
}

// Apply folds a batch of store changes into the model and reports whether
// anything the window shows changed.
func (m *Model) Apply(changes []store.Change) bool {
	changed := false
	for _, c := range changes {
		switch c.Kind {
		case store.Cleared:
			m.Reload()
			return true
		case store.SessionChanged:
			if s := m.src.Session(c.ID); s != nil {
				m.putSession(s)
				changed = true
			}
		case store.ExchangeAdded, store.ExchangeChanged:
			if n := m.Exchanges(); n < c.Index {
				m.src.Each(n, c.Index, m.q.HasText() || m.q.TermsReadText(), m.addRowAt)
			}
			if e := m.src.ExchangeAt(c.Index); e != nil {
				if c.Index == m.Exchanges() {
					m.addRow(e)
				} else {
					m.replaceRow(int32(c.Index), e)
				}
				changed = true
			}
		}
	}
	return changed
}

// Reload forgets everything and reads the whole source again.
func (m *Model) Reload() {
	sel := m.SelectedSession()
	m.rowSess, m.start, m.flags, m.match, m.matches = nil, nil, nil, nil, 0
	m.lastEx = nil
	m.sessions, m.sessIndex, m.all, m.flipDone = nil, map[string]int32{}, nil, nil
	m.first, m.last = 0, 0
	for _, s := range m.src.Sessions() {
		m.putSession(s)
	}
	m.bulk = true
	m.src.Each(0, math.MaxInt, false, m.addRowAt)
	m.bulk = false
	m.sel = AllSessions
	if sel != nil {
		if i, ok := m.sessIndex[sel.S.ID]; ok {
			m.sel = int(i)
		}
	}
	m.SetFilter(m.q)
}

func (m *Model) putSession(s *session.Session) int32 {
	i, ok := m.sessIndex[s.ID]
	if !ok {
		i = int32(len(m.sessions))
		m.sessIndex[s.ID] = i
		m.sessions = append(m.sessions, &SessionInfo{S: s, flipRow: m.flipRow(s)})
		m.flipDone = append(m.flipDone, false)
		return i
	}
	info := m.sessions[i]
	old := info.S
	info.S = s
	if s.Flip != nil && (old.Flip == nil || old.Flip.Exchange != s.Flip.Exchange) {
		info.flipRow = m.flipRow(s)
	}
	if (old.Flip == nil) != (s.Flip == nil) && m.inView(i) {
		m.dirty = true
	}
	return i
}

// flipRow finds the row of the exchange a session flipped after, or -1
// while there is none (addRow sets it when that row arrives).
func (m *Model) flipRow(s *session.Session) int32 {
	if s.Flip == nil {
		return -1
	}
	if i := m.src.Index(s.Flip.Exchange); i >= 0 && i < m.Exchanges() {
		return int32(i)
	}
	return -1
}

// sessionOf finds an exchange's session, inventing a placeholder when the
// exchange arrives before its session.
func (m *Model) sessionOf(e *session.Exchange) int32 {
	if i, ok := m.sessIndex[e.Session]; ok {
		return i
	}
	return m.putSession(&session.Session{ID: e.Session, Started: e.Started()})
}

// Row flags.
const (
	rowCarrier = 1 << iota // carried COMET events (folded away on request)
	rowWarn                // has conformance hints
)

// noTime stands for a missing start time: before every other.
const noTime = math.MinInt64

func rowFlags(e *session.Exchange) uint8 {
	var f uint8
	if len(e.Carries) > 0 {
		f |= rowCarrier
	}
	if session.Warnings(e.Hints) > 0 {
		f |= rowWarn
	}
	return f
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return noTime
	}
	return t.UnixNano()
}

func (m *Model) addRowAt(_ int, e *session.Exchange) { m.addRow(e) }

// addRow adds the next row; e is only read, not kept.
func (m *Model) addRow(e *session.Exchange) {
	if e == nil {
		e = &session.Exchange{}
	}
	r := int32(len(m.rowSess))
	si := m.sessionOf(e)
	m.rowSess = append(m.rowSess, si)
	m.start = append(m.start, nanos(e.Started()))
	m.flags = append(m.flags, rowFlags(e))
	m.match.grow(len(m.rowSess))
	info := m.sessions[si]
	if f := info.S.Flip; f != nil && e.ID == f.Exchange {
		info.flipRow = r
	}
	tail := insertByStart(&info.Rows, r, m.start)
	if tailAll := insertByStart(&m.all, r, m.start); m.sel == AllSessions {
		tail = tailAll
	}
	m.widen(info, e)
	if m.flags[r]&rowWarn != 0 {
		info.HintRows++
	}
	if e.Transport == session.COMET {
		info.CometRows++
	}
	if m.bulk {
		return
	}
	ok := m.q.Match(e)
	if ok {
		m.match.set(int(r))
		m.matches++
		info.Matches++
	}
	if !m.inView(si) {
		return
	}
	if m.dirty || !tail {
		m.dirty = true
		return
	}
	m.appendVisible(si, r, ok)
}

func (m *Model) replaceRow(r int32, e *session.Exchange) {
	if r == m.lastRow {
		m.lastEx = nil
	}
	old, now := m.flags[r], rowFlags(e)
	m.flags[r], m.start[r] = now, nanos(e.Started())
	si := m.rowSess[r]
	info := m.sessions[si]
	if f := info.S.Flip; f != nil && e.ID == f.Exchange {
		info.flipRow = r
	}
	m.widen(info, e)
	if changed := (old ^ now) & rowWarn; changed != 0 {
		if now&rowWarn != 0 {
			info.HintRows++
		} else {
			info.HintRows--
		}
	}
	was, ok := m.match.get(int(r)), m.q.Match(e)
	if was != ok {
		d := 1
		if was {
			m.match.clear(int(r))
			d = -1
		} else {
			m.match.set(int(r))
		}
		m.matches += d
		info.Matches += d
	}
	if m.inView(si) && (was != ok || (old^now)&rowCarrier != 0) {
		m.dirty = true
	}
}

// widen stretches the session's and the model's time span to cover e.
func (m *Model) widen(info *SessionInfo, e *session.Exchange) {
	start, end := span(e)
	if start == 0 {
		return
	}
	if info.first == 0 || start < info.first {
		info.first = start
	}
	if end > info.last {
		info.last = end
	}
	if m.first == 0 || start < m.first {
		m.first = start
	}
	if end > m.last {
		m.last = end
	}
}

// span returns an exchange's first and last byte times in unix nanos.
func span(e *session.Exchange) (start, end int64) {
	if e.Request == nil || e.Request.First.IsZero() {
		return 0, 0
	}
	start = e.Request.First.UnixNano()
	end = start
	if t := e.Request.Last; !t.IsZero() && t.UnixNano() > end {
		end = t.UnixNano()
	}
	if e.Response != nil && !e.Response.Last.IsZero() && e.Response.Last.UnixNano() > end {
		end = e.Response.Last.UnixNano()
	}
	return start, end
}
