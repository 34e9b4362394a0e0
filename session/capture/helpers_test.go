package capture

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

var t0 = time.Unix(1_700_000_000, 123_456_789)

func sampleSession(id string) *session.Session {
	return &session.Session{
		ID:       id,
		Client:   "127.0.0.1:50123",
		Upstream: "example.test:80",
		Started:  t0,
		Ended:    t0.Add(3*time.Second + 7),
		State:    session.StateFlipped,
		Flip:     &session.Flip{At: t0.Add(time.Millisecond), Token: "PTTH/1.0", Exchange: id + "-x1", Offset: 4321},
		Hints: []session.Hint{
			{Code: session.HintNoConnectionUpgrade, Text: "upgrade without Connection: Upgrade", Exchange: id + "-x1"},
			{Code: session.HintBytesAfterClose, Text: "bytes after close"},
		},
		Error: "unparsed from offset 1234 (client)",
	}
}

func sampleMessage(req bool, body []byte, at time.Time) *session.Message {
	m := &session.Message{
		Proto:     "HTTP/1.1",
		Headers:   []session.Header{{Name: "Host", Value: "example.test"}, {Name: "Transfer-Encoding", Value: "chunked"}},
		Trailers:  []session.Header{{Name: "X-Checksum", Value: "abc"}},
		Chunked:   true,
		BodyLen:   int64(len(body)),
		Truncated: true,
		First:     at,
		Last:      at.Add(time.Microsecond),
	}
	var head string
	if req {
		m.Method, m.Target = "POST", "/upload?x=1"
		head = "POST /upload?x=1 HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
	} else {
		m.Status, m.Reason = 200, "OK"
		head = "HTTP/1.1 200 OK\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
	}
	raw := []byte(head)
	if len(body) > 0 {
		raw = fmt.Appendf(raw, "%x\r\n", len(body))
		raw = append(raw, body...)
		raw = append(raw, "\r\n"...)
	}
	raw = append(raw, "0\r\nX-Checksum: abc\r\n\r\n"...)
	m.Raw, m.HeadLen = raw, len(head)
	return m
}

func sampleExchange(id, sess string, body []byte) *session.Exchange {
	return &session.Exchange{
		ID:        id,
		Session:   sess,
		Seq:       7,
		Direction: session.Reverse,
		Transport: session.COMET,
		Request:   sampleMessage(true, []byte("ping"), t0.Add(time.Second)),
		Response:  sampleMessage(false, body, t0.Add(2*time.Second)),
		MessageID: "msg-42",
		Carriers:  []string{"c1", "c2"},
		Carries:   []string{"k1"},
		ReplayOf:  "x0",
		Injected:  true,
		Hints:     []session.Hint{{Code: session.HintTruncated, Text: "cut", Exchange: id}},
		Error:     "connection reset before response",
	}
}

// inMemory replaces a message's RawRef by the bytes it points to.
func inMemory(t testing.TB, m *session.Message) {
	t.Helper()
	if m == nil || m.Ref == nil {
		return
	}
	b, err := m.Wire()
	if err != nil {
		t.Fatalf("Wire: %v", err)
	}
	m.Raw, m.Ref = b, nil
}

func sameExchange(t testing.TB, got, want *session.Exchange) {
	t.Helper()
	inMemory(t, got.Request)
	inMemory(t, got.Response)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("exchange differs\n got %+v\nwant %+v", got, want)
	}
}

// collected is everything one Scan handed over, in order.
type collected struct {
	order     []string // "S:id", "X:id", "C:id"
	sessions  []*session.Session
	exchanges []*session.Exchange
	chunks    []chunkRec
	sum       Summary
}

type chunkRec struct {
	id   string
	side session.Side
	t    time.Time
	b    []byte
}

func scanAll(t testing.TB, path string, withChunks bool) *collected {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	c := &collected{}
	h := Handler{
		Session: func(s *session.Session) {
			c.order = append(c.order, "S:"+s.ID)
			c.sessions = append(c.sessions, s)
		},
		Exchange: func(e *session.Exchange) {
			c.order = append(c.order, "X:"+e.ID)
			c.exchanges = append(c.exchanges, e)
		},
	}
	if withChunks {
		h.Chunk = func(id string, side session.Side, tm time.Time, b []byte) {
			c.order = append(c.order, "C:"+id)
			c.chunks = append(c.chunks, chunkRec{id, side, tm, b})
		}
	}
	c.sum, err = r.Scan(h)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return c
}

func create(t testing.TB) (*Writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.ptthcap")
	w, err := Create(path)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return w, path
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.ptthcap")
	must(t, os.WriteFile(path, data, 0o600))
	return path
}

func hasWarning(sum Summary, sub string) bool {
	for _, w := range sum.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

var bigBody = bytes.Repeat([]byte("0123456789abcdef"), 200<<10/16) // 200 KiB
