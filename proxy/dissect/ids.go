package dissect

import (
	crand "crypto/rand"
	"math/rand/v2"

	"github.com/google/uuid"
)

// idSource makes random (version 4) UUIDs for one connection's exchanges
// from a ChaCha8 stream seeded from the system's random source: ids are
// made per exchange, and asking the system for 16 bytes each time
// (uuid.NewString) was a few percent of the dissector's time on small
// exchanges. Not safe for concurrent use; a Conn uses its own under c.mu.
type idSource struct{ r *rand.ChaCha8 }

func newIDSource() idSource {
	var seed [32]byte
	crand.Read(seed[:]) // never fails (crypto/rand panics instead)
	return idSource{rand.NewChaCha8(seed)}
}

// next returns a new id.
func (s idSource) next() string {
	u, err := uuid.NewRandomFromReader(s.r)
	if err != nil { // ChaCha8 reads never fail; keep an id regardless
		return uuid.NewString()
	}
	return u.String()
}
