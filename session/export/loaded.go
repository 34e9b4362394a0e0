package export

import (
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// Loaded is a Source read from a JSON export: sessions and exchanges are
// kept in a store (packed once there are many) and handed over one at a
// time; the raw byte chunks are kept as they came. DecodeJSON fills it.
type Loaded struct {
	inStore
	chunks []Chunk
}

// NewLoaded returns an empty Loaded.
func NewLoaded() *Loaded { return &Loaded{inStore: inStore{store.New(nil)}} }

// PutSession adds or replaces a session snapshot.
func (l *Loaded) PutSession(s *session.Session) { l.st.PutSession(s) }

// PutExchange adds or replaces an exchange snapshot.
func (l *Loaded) PutExchange(e *session.Exchange) { l.st.PutExchange(e) }

// PutChunk adds a run of raw bytes.
func (l *Loaded) PutChunk(c Chunk) { l.chunks = append(l.chunks, c) }

// Chunks calls fn with every chunk in order.
func (l *Loaded) Chunks(fn func(string, session.Side, time.Time, []byte) error) error {
	return eachChunk(l.chunks, fn)
}
