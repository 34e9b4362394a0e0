package dissect

import (
	"testing"
	"time"
)

// An offer edited into a plain request no longer holds what the client
// sends behind it: the request pipelined after it is read at once, and
// both pair with their answers; the edited one is no PTTH exchange.
func TestOfferEditedIntoAPlainRequest(t *testing.T) {
	m := newMemory()
	c := NewConn(m, NewCometBook(m), "10.0.0.1:5000", "upstream:80", time.Unix(0, 0))
	c.Feed(cl, crlf("POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 0\n\nGET /next HTTP/1.1\n\n"), time.Unix(1, 0))
	if len(c.pending) != 1 {
		t.Fatalf("%d pending before the edit, want the offer alone (the rest held)", len(c.pending))
	}
	if err := c.Edited(c.pending[0].ID, crlf("POST /plain HTTP/1.1\nContent-Length: 0\n\n"), time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	if len(c.pending) != 2 {
		t.Fatalf("%d pending after the edit, want the pipelined GET read too", len(c.pending))
	}
	c.Feed(up, crlf("HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 204 No Content\n\n"), time.Unix(3, 0))
	c.End(time.Unix(4, 0), "")
	if got, want := rows(m), "forward POST /plain → HTTP/1.1 200 OK [breakpoint]\nforward GET /next → HTTP/1.1 204 No Content"; got != want {
		t.Fatalf("rows\n%s\nwant\n%s", got, want)
	}
	if e := m.exchanges[0]; e.Original == nil || e.Original.Target != "/reverse" || e.Transport.String() != "http" {
		t.Fatalf("edited exchange: %+v", e)
	}
}
