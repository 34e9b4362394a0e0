package export

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"ptth-inspector/session"
)

// merge puts several sources into one memory source.
func merge(t testing.TB, srcs ...Source) *Memory {
	t.Helper()
	m := NewMemory()
	for _, s := range srcs {
		for _, x := range s.Sessions() {
			m.PutSession(x)
		}
		for _, e := range s.Exchanges() {
			m.PutExchange(e)
		}
		s.Chunks(func(id string, side session.Side, tm time.Time, b []byte) error {
			m.Chunk(id, side, tm, b)
			return nil
		})
	}
	return m
}

// fixture is the three seeds plus a session with a chunked request with
// trailers, a binary response and a request left without a response.
func fixture(t testing.TB) *Memory {
	t.Helper()
	extra := relay(t, []wireRun{
		{session.FromClient, []byte("POST /up?x=1&y=%41 HTTP/1.1\r\nHost: h.example:8080\r\nCookie: a=b\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nSet-Cookie: s=1; Path=/; HttpOnly\r\nContent-Length: 4\r\n\r\n\x00\xff\x01\x02")},
		{session.FromClient, []byte("GET /pending HTTP/1.1\r\nHost: h.example:8080\r\n\r\n")},
	}, 0)
	var srcs []Source
	for _, s := range seeds {
		srcs = append(srcs, seedMemory(t, s))
	}
	m := merge(t, append(srcs, extra)...)
	// An injected replay of the chunked request, answered with a 204.
	orig := extra.Exchanges()[0]
	replay := *orig
	replay.ID, replay.Seq, replay.ReplayOf, replay.Injected = "replay-1", 9, orig.ID, true
	replay.Hints = []session.Hint{{Code: "x-test", Text: "a hint on the replay", Exchange: "replay-1"}}
	replay.Response = &session.Message{Proto: "HTTP/1.1", Status: 204, Reason: "No Content", Raw: []byte("HTTP/1.1 204 No Content\r\n\r\n"),
		HeadLen: 27, First: orig.Response.First, Last: orig.Response.Last}
	m.PutExchange(&replay)
	// A request edited at a breakpoint: the upstream got DELETE, the
	// client had sent GET.
	edited := *orig
	edited.ID, edited.Seq, edited.Hints = "edited-1", 10, []session.Hint{{Code: session.HintPaused, Text: "edited", Exchange: "edited-1"}}
	edited.Request = &session.Message{Method: "DELETE", Target: "/up", Proto: "HTTP/1.1", Headers: []session.Header{{Name: "Host", Value: "h.example:8080"}},
		Raw: []byte("DELETE /up HTTP/1.1\r\nHost: h.example:8080\r\n\r\n"), HeadLen: 43, First: orig.Response.First, Last: orig.Response.First}
	edited.Original = &session.Message{Method: "GET", Target: "/up", Proto: "HTTP/1.1", Headers: []session.Header{{Name: "Host", Value: "h.example:8080"}},
		Raw: []byte("GET /up HTTP/1.1\r\nHost: h.example:8080\r\n\r\n"), HeadLen: 40, First: orig.Request.First, Last: orig.Request.Last}
	edited.Response = replay.Response
	m.PutExchange(&edited)
	return m
}

// norm makes a comparable copy: bytes loaded, times in UTC, empty slices nil.
func normMessage(t testing.TB, m *session.Message) *session.Message {
	if m == nil {
		return nil
	}
	c := *m
	raw, err := m.Wire()
	if err != nil {
		t.Fatal(err)
	}
	c.Raw, c.Ref = nilEmpty(raw), nil
	c.Headers, c.Trailers = nilEmpty(c.Headers), nilEmpty(c.Trailers)
	c.First, c.Last = c.First.UTC(), c.Last.UTC()
	return &c
}

func nilEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normExchange(t testing.TB, e *session.Exchange) session.Exchange {
	c := *e
	c.Request, c.Response, c.Original = normMessage(t, e.Request), normMessage(t, e.Response), normMessage(t, e.Original)
	c.Carriers, c.Carries, c.Hints = nilEmpty(c.Carriers), nilEmpty(c.Carries), nilEmpty(c.Hints)
	return c
}

func normSession(s *session.Session) session.Session {
	c := *s
	c.Started, c.Ended = c.Started.UTC(), c.Ended.UTC()
	c.Hints = nilEmpty(c.Hints)
	if s.Flip != nil {
		f := *s.Flip
		f.At = f.At.UTC()
		c.Flip = &f
	}
	return c
}

// sameSource fails unless a and b hold equal sessions, exchanges and chunks.
func sameSource(t testing.TB, a, b Source, chunks bool) {
	t.Helper()
	as, bs := a.Sessions(), b.Sessions()
	if len(as) != len(bs) {
		t.Fatalf("%d sessions, want %d", len(bs), len(as))
	}
	for i := range as {
		if x, y := normSession(as[i]), normSession(bs[i]); !reflect.DeepEqual(x, y) {
			t.Errorf("session %d:\n got %+v\nwant %+v", i, y, x)
		}
	}
	ae, be := a.Exchanges(), b.Exchanges()
	if len(ae) != len(be) {
		t.Fatalf("%d exchanges, want %d", len(be), len(ae))
	}
	for i := range ae {
		if x, y := normExchange(t, ae[i]), normExchange(t, be[i]); !reflect.DeepEqual(x, y) {
			t.Errorf("exchange %d:\n got %+v\n  req %+v\n resp %+v\nwant %+v\n  req %+v\n resp %+v", i, y, y.Request, y.Response, x, x.Request, x.Response)
		}
	}
	if chunks {
		if x, y := chunkList(t, a), chunkList(t, b); !slices.EqualFunc(x, y, func(p, q Chunk) bool {
			return p.Session == q.Session && p.Side == q.Side && p.T.Equal(q.T) && string(p.Data) == string(q.Data)
		}) {
			t.Errorf("chunks differ: %d vs %d", len(y), len(x))
		}
	}
}

func chunkList(t testing.TB, s Source) []Chunk {
	var out []Chunk
	err := s.Chunks(func(id string, side session.Side, tm time.Time, b []byte) error {
		out = append(out, Chunk{id, side, tm, slices.Clone(b)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
