package dissect

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session"
)

// memory is a Recorder that keeps the last snapshot of everything.
type memory struct {
	mu        sync.Mutex
	sessions  map[string]*session.Session
	exchanges []*session.Exchange
	index     map[string]int
	chunks    int
}

func newMemory() *memory {
	return &memory{sessions: map[string]*session.Session{}, index: map[string]int{}}
}

func (m *memory) PutSession(s *session.Session) { m.mu.Lock(); m.sessions[s.ID] = s; m.mu.Unlock() }
func (m *memory) Chunk(string, session.Side, time.Time, []byte) {
	m.mu.Lock()
	m.chunks++
	m.mu.Unlock()
}
func (m *memory) PutExchange(e *session.Exchange) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i, ok := m.index[e.ID]; ok {
		m.exchanges[i] = e
		return
	}
	m.index[e.ID] = len(m.exchanges)
	m.exchanges = append(m.exchanges, e)
}

// crlf turns LF into CRLF.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

// play feeds (side, text) pairs to a fresh Conn, each split into pieces of
// size bytes, and ends the connection.
func play(t *testing.T, size int, steps ...any) (*memory, *Conn) {
	t.Helper()
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	feedSteps(c, size, steps...)
	c.End(time.Unix(100, 0), "")
	return m, c
}

// feedSteps feeds (side, text) pairs to c, each split into pieces of size
// bytes and stamped with its step's index in seconds.
func feedSteps(c *Conn, size int, steps ...any) {
	for i := 0; i < len(steps); i += 2 {
		side, b := steps[i].(session.Side), crlf(steps[i+1].(string))
		for len(b) > 0 {
			n := min(size, len(b))
			c.Feed(side, b[:n], time.Unix(int64(i), 0))
			b = b[n:]
		}
	}
}

const (
	cl = session.FromClient
	up = session.FromUpstream
)

// TestPlaybookFlipAtAnyByte feeds the same upgrade conversation cut at every
// size from one byte up: the dissection must not depend on the cuts.
func TestPlaybookFlipAtAnyByte(t *testing.T) {
	for size := 1; size <= 64; size++ {
		m, _ := play(t, size,
			cl, "POST /q HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n",
			up, "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\nGET /a HTTP/1.1\n\nPOST /b HTTP/1.1\nContent-Length: 3\n\nxyz",
			cl, "HTTP/1.1 200 OK\nContent-Length: 1\n\n1HTTP/1.1 201 Created\nTransfer-Encoding: chunked\n\n1\n2\n0\n\n",
		)
		var got []string
		for _, e := range m.exchanges {
			got = append(got, e.Direction.String()+" "+e.Request.Target+" "+e.Transport.String()+" "+strconv.Itoa(e.Response.Status))
		}
		want := "forward /q ptth 101|reverse /a ptth 200|reverse /b ptth 201"
		if strings.Join(got, "|") != want {
			t.Fatalf("size %d: %v, want %s", size, got, want)
		}
		var s *session.Session
		for _, v := range m.sessions {
			s = v
		}
		if s.State != session.StateFlipped || s.Flip.Offset != int64(len(crlf("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\n"))) {
			t.Fatalf("size %d: session %+v flip %+v", size, s, s.Flip)
		}
	}
}

// TestPlaybookSegmentsKeepInjectedAnswers checks FeedSegments cuts at message
// ends and marks the answer to an injected request for dropping.
func TestPlaybookSegmentsKeepInjectedAnswers(t *testing.T) {
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Now())
	c.Feed(cl, crlf("POST /q HTTP/1.1\nUpgrade: PTTH/1.0\n\n"), time.Now())
	c.Feed(up, crlf("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\nGET /up HTTP/1.1\n\n"), time.Now())
	if _, err := c.Inject(crlf("GET /mine HTTP/1.1\n\n"), "x", time.Now()); err != nil {
		t.Fatal(err)
	}
	if !c.Masking() {
		t.Fatal("Masking() is false with an injected request pending")
	}
	a, b := "HTTP/1.1 200 OK\nContent-Length: 2\n\nup", "HTTP/1.1 200 OK\nContent-Length: 4\n\nmine"
	segs := c.FeedSegments(cl, crlf(a+b+"HTTP/1.1 2"), time.Now())
	var kept []string
	for _, s := range segs {
		if !s.Drop {
			kept = append(kept, string(s.Data))
		}
	}
	if strings.Join(kept, "") != string(crlf(a))+"HTTP/1.1 2" {
		t.Fatalf("forwarded %q", kept)
	}
	if last := segs[len(segs)-1]; !last.Partial || last.PartialRequest {
		t.Fatalf("last segment %+v: want a partial response", last)
	}
	if m.exchanges[2].Request.Target != "/mine" || !m.exchanges[2].Injected || m.exchanges[2].Response == nil {
		t.Fatalf("injected exchange %+v", m.exchanges[2])
	}
}

func TestPlaybookInjectRefusals(t *testing.T) {
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Now())
	if _, err := c.Inject(crlf("GET / HTTP/1.1\n\n"), "", time.Now()); err != ErrNotFlipped {
		t.Fatalf("inject before the flip: %v", err)
	}
	c.Feed(cl, crlf("POST /q HTTP/1.1\nUpgrade: PTTH/1.0\n\n"), time.Now())
	c.Feed(up, crlf("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\nGET /half HTTP/1.1\nContent-Le"), time.Now())
	if _, err := c.Inject(crlf("GET / HTTP/1.1\n\n"), "", time.Now()); err != ErrNotIdle {
		t.Fatalf("inject mid-message: %v", err)
	}
	for _, bad := range []string{"GET / HTTP/1.1\n", "GET / HTTP/1.1\n\nGET / HTTP/1.1\n\n", "\x00\x01 nonsense\n\n"} {
		if _, err := c.Inject(crlf(bad), "", time.Now()); err == nil {
			t.Errorf("injected %q", bad)
		}
	}
}

func TestPlaybookTruncatedMessageIsHinted(t *testing.T) {
	long := strings.Repeat("v", 70<<10) // past the 64 KiB a line is kept to
	m, c := play(t, 4096,
		session.FromClient, "GET / HTTP/1.1\nHost: x\nX-Long: "+long+"\n\n",
		session.FromUpstream, "HTTP/1.1 204 No Content\n\n")
	if len(m.exchanges) != 1 || !m.exchanges[0].Request.Truncated {
		t.Fatalf("exchanges %+v", m.exchanges)
	}
	hints := m.sessions[c.ID()].Hints
	if len(hints) != 1 || hints[0].Code != session.HintTruncated || hints[0].Exchange != m.exchanges[0].ID ||
		!strings.Contains(hints[0].Text, "request cut in the capture") {
		t.Fatalf("hints %+v", hints)
	}
}
