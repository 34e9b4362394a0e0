package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// slowEventRec is a store whose capture is slow to take the chunk that
// carries a COMET event (a busy disk).
type slowEventRec struct{ *store.Store }

func (g slowEventRec) Chunk(id string, side session.Side, t time.Time, b []byte) {
	if side == session.FromUpstream && strings.Contains(string(b), "'method'") {
		time.Sleep(150 * time.Millisecond)
	}
	g.Store.Chunk(id, side, t, b)
}

func withLength(head string, body string) string {
	return fmt.Sprintf(head+"Content-Length: %d\r\n\r\n%s", len(body), body)
}

// A COMET client that got an event on one connection and posts the reply
// on another must find them paired, however slowly the first connection's
// bytes are recorded (review of the async dissector).
func TestCometReplyOnAnotherConnectionPairsWhileTheEventIsSlowToRecord(t *testing.T) {
	ln := listen(t)
	st := store.New(nil)
	g := slowEventRec{st}
	r := &Relay{Listen: "127.0.0.1:0", Upstream: ln.Addr().String(), Rec: g}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	event := `{'message-id': 'xxx', 'method': 'GET', 'request-uri': '/', 'http-version': 'PTTH/1.0', 'headers': [], 'body': ''}`
	reply := `{'message-id': 'xxx', 'http-version': 'PTTH/1.0', 'status': 200, 'reason': 'OK', 'headers': [], 'body': 'hi'}`
	// connection X: a poll answered with an event
	x, _ := net.Dial("tcp", r.Addr())
	defer x.Close()
	io.WriteString(x, withLength("POST / HTTP/1.1\r\nHost: h\r\n", ""))
	ux, _ := ln.Accept()
	defer ux.Close()
	expectHead(t, bufio.NewReader(ux), "POST /")
	io.WriteString(ux, withLength("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", event))
	expectHead(t, bufio.NewReader(x), "HTTP/1.1 200") // the client has the event
	// connection Y: the client posts its reply
	y, _ := net.Dial("tcp", r.Addr())
	defer y.Close()
	io.WriteString(y, withLength("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n", reply))
	uy, _ := ln.Accept()
	defer uy.Close()
	expectHead(t, bufio.NewReader(uy), "POST /")
	io.WriteString(uy, withLength("HTTP/1.1 200 OK\r\n", "{}"))
	expectHead(t, bufio.NewReader(y), "HTTP/1.1 200")
	x.Close()
	ux.Close()
	y.Close()
	uy.Close()
	waitEnded(t, st, 2)
	paired := false
	for _, e := range st.Exchanges(0) {
		if e.MessageID == "xxx" {
			paired = e.Response != nil && e.Response.Status == 200
		}
	}
	if !paired {
		t.Errorf("event xxx was not paired with the reply the client sent after receiving it")
	}
	for _, s := range st.Sessions() {
		for _, h := range s.Hints {
			if h.Code == session.HintUnknownMessageID {
				t.Errorf("hint %q: the reply was dissected before its event", h.Text)
			}
		}
	}
}
