package dissect

import (
	"bytes"
	"testing"
	"time"
)

// FuzzConn feeds a whole connection to the dissector: data is split at
// 0xFF bytes into turns, client and upstream alternating, each turn fed in
// pieces of size bytes; with segs, through FeedSegments as the relay does
// while intercepting. Nothing may panic, every exchange keeps its id and
// sequence, and the segments of a turn give back exactly its bytes.
func FuzzConn(f *testing.F) {
	for _, conv := range [][]string{
		{"POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 4\r\n\r\nab",
			"HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\n\r\nGET /rev HTTP/1.1\r\n\r\n",
			"cdHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"},
		{"POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123", "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n",
			"456789GET /next HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
		{"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
			"HTTP/1.1 200 OK\r\nContent-Length: 95\r\n\r\n{\"message-id\":\"m1\",\"method\":\"GET\",\"request-uri\":\"/s\",\"http-version\":\"HTTP/1.1\",\"headers\":[]}"},
		{"GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"},
	} {
		f.Add([]byte(string(bytes.Join(toBytes(conv), []byte{0xFF}))), uint8(7), false)
		f.Add([]byte(string(bytes.Join(toBytes(conv), []byte{0xFF}))), uint8(1), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8, segs bool) {
		n := max(int(size), 1)
		m := newMemory()
		c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
		for i, turn := range bytes.Split(data, []byte{0xFF}) {
			side := cl
			if i%2 == 1 {
				side = up
			}
			for len(turn) > 0 {
				k := min(n, len(turn))
				at := time.Unix(int64(i), 0)
				if segs {
					var got []byte
					for _, s := range c.FeedSegments(side, turn[:k], at) {
						got = append(got, s.Data...)
					}
					if !bytes.Equal(got, turn[:k]) {
						t.Fatalf("segments %q of %q", got, turn[:k])
					}
				} else {
					c.Feed(side, turn[:k], at)
				}
				turn = turn[k:]
			}
		}
		c.Close(cl, time.Unix(98, 0))
		c.Close(up, time.Unix(99, 0))
		c.End(time.Unix(100, 0), "")
		seqs := map[int]string{}
		for _, e := range m.exchanges {
			if e.ID == "" || e.Seq <= 0 {
				t.Fatalf("exchange without id or sequence: %+v", e)
			}
			if id, ok := seqs[e.Seq]; ok && id != e.ID && e.MessageID == "" {
				t.Fatalf("sequence %d taken by %s and %s", e.Seq, id, e.ID)
			}
			seqs[e.Seq] = e.ID
		}
	})
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}
