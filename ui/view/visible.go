package view

import (
	"time"

	"ptth-inspector/session"
)

// Item is one timeline row: an exchange, or the role-flip divider of a
// session (Exchange nil, Flip set).
type Item struct {
	Row      int32 // row number, -1 for a divider
	Exchange *session.Exchange
	Session  *SessionInfo
}

// Divider reports whether the item is a role-flip divider.
func (it Item) Divider() bool { return it.Exchange == nil }

// Select shows one session (by index in Sessions) or AllSessions.
func (m *Model) Select(sel int) {
	if sel < AllSessions || sel >= len(m.sessions) {
		sel = AllSessions
	}
	if sel != m.sel {
		m.sel = sel
		m.dirty = true
	}
}

// Selected returns the selected session index or AllSessions.
func (m *Model) Selected() int { return m.sel }

// SelectedSession returns the selected session, or nil for all sessions.
func (m *Model) SelectedSession() *SessionInfo {
	if m.sel == AllSessions || m.sel >= len(m.sessions) {
		return nil
	}
	return m.sessions[m.sel]
}

// SetFold hides (true) or shows the HTTP exchanges that carried COMET events.
func (m *Model) SetFold(fold bool) {
	if fold != m.fold {
		m.fold = fold
		m.dirty = true
	}
}

// Fold reports whether COMET carriers are hidden.
func (m *Model) Fold() bool { return m.fold }

// Len returns how many timeline rows are visible.
func (m *Model) Len() int {
	m.refresh()
	return len(m.visible)
}

// Item returns visible timeline row i.
func (m *Model) Item(i int) Item {
	m.refresh()
	if i < 0 || i >= len(m.visible) {
		return Item{Row: -1}
	}
	v := m.visible[i]
	if v < 0 {
		return Item{Row: -1, Session: m.sessions[^v]}
	}
	e := m.src.ExchangeAt(int(v))
	if e == nil {
		e = &session.Exchange{}
	}
	return Item{Row: v, Exchange: e, Session: m.sessions[m.rowSess[v]]}
}

// IndexOf returns the visible index of a row number, or -1.
func (m *Model) IndexOf(row int32) int {
	m.refresh()
	for i := len(m.visible) - 1; i >= 0; i-- {
		if m.visible[i] == row {
			return i
		}
	}
	return -1
}

// Span returns the time range the waterfall spans in the current view.
func (m *Model) Span() (first, last time.Time) {
	f, l := m.first, m.last
	if s := m.SelectedSession(); s != nil {
		f, l = s.first, s.last
	}
	if f == 0 {
		return time.Time{}, time.Time{}
	}
	return time.Unix(0, f), time.Unix(0, l)
}

func (m *Model) inView(si int32) bool { return m.sel == AllSessions || int(si) == m.sel }

func (m *Model) shows(r int32, match bool) bool {
	return match && !(m.fold && m.flags[r]&rowCarrier != 0)
}

// refresh rebuilds the visible rows when something moved or the filter,
// selection or fold changed.
func (m *Model) refresh() {
	if !m.dirty {
		return
	}
	m.dirty = false
	m.visible = m.visible[:0]
	clear(m.flipDone)
	src := m.all
	if s := m.SelectedSession(); s != nil {
		src = s.Rows
	}
	for _, r := range src {
		m.appendVisible(m.rowSess[r], r, m.match.get(int(r)))
	}
	// A flip with no exchange after it yet still shows in its session.
	if s := m.SelectedSession(); s != nil && s.S.Flip != nil && !m.flipDone[m.sel] {
		m.flipDone[m.sel] = true
		m.visible = append(m.visible, ^int32(m.sel))
	}
}

// appendVisible adds row r at the end of the visible rows, with its
// session's flip divider where the flip falls.
func (m *Model) appendVisible(si, r int32, match bool) {
	info := m.sessions[si]
	f := info.S.Flip
	// In All sessions, a flip whose upgrade exchange is gone (cleared) has
	// no place among the other sessions' rows: it shows in its session only.
	needDivider := f != nil && !m.flipDone[si] && (m.sel != AllSessions || ((match || info.Matches > 0) && info.flipRow >= 0))
	isFlip := info.flipRow == r
	if needDivider && !isFlip && m.start[r] >= nanos(f.At) {
		m.flipDone[si] = true
		m.visible = append(m.visible, ^si)
		needDivider = false
	}
	if m.shows(r, match) {
		m.visible = append(m.visible, r)
	}
	if needDivider && isFlip {
		m.flipDone[si] = true
		m.visible = append(m.visible, ^si)
	}
}

// insertByStart puts row r into list in start-time order, usually at the
// end; it reports whether r went at the end.
func insertByStart(list *[]int32, r int32, starts []int64) bool {
	l := *list
	start := starts[r]
	n := len(l)
	if n == 0 || start >= starts[l[n-1]] {
		*list = append(l, r)
		return true
	}
	i := n
	for i > 0 && start < starts[l[i-1]] {
		i--
	}
	l = append(l, 0)
	copy(l[i+1:], l[i:])
	l[i] = r
	*list = l
	return false
}

// SessionOf returns the session an exchange belongs to, or nil.
func (m *Model) SessionOf(e *session.Exchange) *session.Session {
	if e == nil {
		return nil
	}
	if i, ok := m.sessIndex[e.Session]; ok {
		return m.sessions[i].S
	}
	return nil
}

// RowOf returns the row number of the exchange with the given id, or -1.
func (m *Model) RowOf(id string) int32 {
	if r := m.src.Index(id); r >= 0 && r < m.Exchanges() {
		return int32(r)
	}
	return -1
}

// SessionIndexOf returns the session index of a row.
func (m *Model) SessionIndexOf(r int32) int { return int(m.rowSess[r]) }
