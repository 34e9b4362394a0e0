package store

import (
	"hash/maphash"
	"sync"

	"ptth-inspector/session"
	"ptth-inspector/session/pack"
)

// hotWindow is how many of the latest puts keep their exchanges as they
// came; an exchange not put again within that many puts is packed. An
// exchange is usually put twice close together (request, then response).
const hotWindow = 4096

// maxDecoded bounds the packed exchanges kept decoded for ExchangeAt.
const maxDecoded = 4096

// table holds the store's exchanges by index: those put lately as they
// are, older ones packed into an arena (about 150 bytes each instead of
// about 1.2 KB). The store's lock guards it, except decoded, which has its
// own because readers fill it.
type table struct {
	hot     []*session.Exchange // nil where the exchange is packed
	refs    []pack.Ref          // where a packed exchange is
	arena   *pack.Arena
	ids     map[uint64]int32 // hash of an id → index
	clash   map[string]int32 // ids whose hash an earlier id has
	seed    maphash.Seed
	recent  []recentPut      // the latest puts, oldest at next once full
	next    int              // where the next put goes in recent, once full
	last    map[int32]uint64 // hot index → number of its latest put
	puts    uint64
	window  int
	dmu     sync.Mutex
	decoded map[int32]*session.Exchange
}

type recentPut struct {
	i   int32
	put uint64
}

func newTable() *table {
	return &table{arena: pack.New(), ids: map[uint64]int32{}, clash: map[string]int32{}, seed: maphash.MakeSeed(),
		last: map[int32]uint64{}, window: hotWindow, decoded: map[int32]*session.Exchange{}}
}

func (t *table) len() int { return len(t.hot) }

// put adds or replaces an exchange and returns its index.
func (t *table) put(e *session.Exchange) (i int, added bool) {
	i = t.index(e.ID)
	if i < 0 {
		i, added = len(t.hot), true
		t.hot = append(t.hot, e)
		t.refs = append(t.refs, 0)
		h := maphash.String(t.seed, e.ID)
		if _, taken := t.ids[h]; taken {
			t.clash[e.ID] = int32(i)
		} else {
			t.ids[h] = int32(i)
		}
	} else {
		t.hot[i] = e
		t.dmu.Lock()
		delete(t.decoded, int32(i))
		t.dmu.Unlock()
	}
	t.remember(int32(i))
	return i, added
}

// remember records a put of index i; the oldest put falls out of the
// window, and its exchange is packed unless it was put again since.
func (t *table) remember(i int32) {
	t.puts++
	t.last[i] = t.puts
	p := recentPut{i, t.puts}
	if len(t.recent) < t.window {
		t.recent = append(t.recent, p)
		return
	}
	old := t.recent[t.next]
	t.recent[t.next] = p
	t.next = (t.next + 1) % t.window
	if t.last[old.i] == old.put {
		delete(t.last, old.i)
		t.refs[old.i] = t.arena.Put(t.hot[old.i])
		t.hot[old.i] = nil
	}
}

// index returns the index of the exchange with the given id, or -1.
func (t *table) index(id string) int {
	if len(t.clash) > 0 {
		if i, ok := t.clash[id]; ok {
			return int(i)
		}
	}
	i, ok := t.ids[maphash.String(t.seed, id)]
	if !ok || t.id(int(i)) != id {
		return -1
	}
	return int(i)
}

func (t *table) id(i int) string {
	if e := t.hot[i]; e != nil {
		return e.ID
	}
	return t.arena.ID(t.refs[i])
}

// at returns the exchange at i; a packed one is decoded once and kept for
// a while, so asking again gives the same pointer.
func (t *table) at(i int) *session.Exchange {
	if e := t.hot[i]; e != nil {
		return e
	}
	t.dmu.Lock()
	defer t.dmu.Unlock()
	if e, ok := t.decoded[int32(i)]; ok {
		return e
	}
	if len(t.decoded) >= maxDecoded {
		clear(t.decoded)
	}
	e := t.arena.Get(t.refs[i])
	t.decoded[int32(i)] = e
	return e
}

// fresh returns the exchange at i, decoding a packed one anew.
func (t *table) fresh(i int) *session.Exchange {
	if e := t.hot[i]; e != nil {
		return e
	}
	return t.arena.Get(t.refs[i])
}

// view returns the exchange at i, decoding a packed one into v.
func (t *table) view(i int, v *pack.View) *session.Exchange {
	if e := t.hot[i]; e != nil {
		return e
	}
	return t.arena.View(t.refs[i], v)
}

// passes applies m to the exchange at i.
func (t *table) passes(i int, m *Matcher, finders []*pack.Finder, v *pack.View) bool {
	if e := t.hot[i]; e != nil {
		return m.Match(e)
	}
	for _, f := range finders {
		if !t.arena.Find(t.refs[i], f) {
			return false
		}
	}
	return m.Terms == nil || m.Terms(t.arena.View(t.refs[i], v))
}
