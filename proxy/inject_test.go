package proxy

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// flippedPair sets up client → relay → upstream and completes a PTTH
// upgrade; it returns both raw ends with buffered readers.
func flippedPair(t *testing.T) (r *Relay, st *store.Store, client, up net.Conn, cr, ur *bufio.Reader) {
	t.Helper()
	r, st, client, up, cr, ur = relayPair(t)
	io.WriteString(client, strings.ReplaceAll(offer, "\n", "\r\n"))
	expectHead(t, ur, "POST /q")
	io.WriteString(up, strings.ReplaceAll(accept, "\n", "\r\n"))
	expectHead(t, cr, "HTTP/1.1 101")
	return
}

// expectHead reads one message head (and a Content-Length body) and checks
// its first line.
func expectHead(t *testing.T, br *bufio.Reader, prefix string) string {
	t.Helper()
	head, err := readHead(br)
	if err != nil {
		t.Fatalf("reading %q: %v (got %q)", prefix, err, head)
	}
	body := make([]byte, contentLength(head))
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(head), prefix) {
		t.Fatalf("got %q, want it to start with %q", head, prefix)
	}
	return string(head) + string(body)
}

func TestInjectIntoFlippedSocket(t *testing.T) {
	r, st, client, up, cr, ur := flippedPair(t)
	io.WriteString(up, "GET /a HTTP/1.1\r\nHost:\r\n\r\n")
	expectHead(t, cr, "GET /a")
	io.WriteString(client, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA")
	expectHead(t, ur, "HTTP/1.1 200")

	sid := st.Sessions()[0].ID
	if got := r.LiveFlipped("127.0.0.1"); len(got) != 1 || got[0] != sid {
		t.Fatalf("LiveFlipped = %v, want [%s]", got, sid)
	}
	id, err := r.Inject(sid, []byte("GET /injected HTTP/1.1\r\nHost:\r\n\r\n"), "orig-1")
	if err != nil {
		t.Fatal(err)
	}
	expectHead(t, cr, "GET /injected")
	// The client answers the injected request and, in the same write, the
	// upstream's next one, which arrives meanwhile.
	io.WriteString(up, "GET /b HTTP/1.1\r\n\r\n")
	expectHead(t, cr, "GET /b")
	io.WriteString(client, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjectedHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB")
	if got := expectHead(t, ur, "HTTP/1.1 404"); !strings.HasSuffix(got, "B") {
		t.Fatalf("upstream got %q", got)
	}
	client.(*net.TCPConn).CloseWrite()
	if rest, _ := io.ReadAll(ur); len(rest) != 0 {
		t.Fatalf("upstream received the injected answer too: %q", rest)
	}
	up.Close()
	waitEnded(t, st, 1)

	ex := st.Exchange(id)
	if ex == nil || !ex.Injected || ex.ReplayOf != "orig-1" || ex.Direction != session.Reverse {
		t.Fatalf("injected exchange %+v", ex)
	}
	if body, _ := ex.Response.Body(); string(body) != "injected" {
		t.Fatalf("injected answer body %q", body)
	}
	var targets []string
	for _, e := range st.Exchanges(0) {
		targets = append(targets, e.Request.Target)
	}
	if strings.Join(targets, " ") != "/q /a /injected /b" {
		t.Fatalf("exchange order %v", targets)
	}
}

func TestInjectRefusesWhatCannotBeSent(t *testing.T) {
	r, st, _, up, cr, _ := flippedPair(t)
	sid := st.Sessions()[0].ID
	if _, err := r.Inject(sid, []byte("GET / HTTP/1.1\r\n"), ""); err == nil {
		t.Fatal("an unfinished head was injected")
	}
	if _, err := r.Inject("no-such-session", []byte("GET / HTTP/1.1\r\n\r\n"), ""); err != ErrSessionGone {
		t.Fatalf("err = %v, want ErrSessionGone", err)
	}
	// Mid-message: the upstream has sent half a request; Inject waits, then
	// goes in once the message is complete.
	half := "POST /half HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"
	io.WriteString(up, half)
	if _, err := io.ReadFull(cr, make([]byte, len(half))); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.Inject(sid, []byte("GET /later HTTP/1.1\r\n\r\n"), "")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Inject went in mid-message (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	io.WriteString(up, "cd")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestReplaySeedRequestIntoSeedClient replays the seed's reversed GET into a
// live flipped socket whose client insists on exactly the seed's bytes and
// answers with the seed's response; the answer is captured, not forwarded.
func TestReplaySeedRequestIntoSeedClient(t *testing.T) {
	runs := loadTranscript(t, "testdata/seed-upgrade.transcript")
	upgradeReq, fromUp, answer := runs[0].bytes, runs[1].bytes, runs[2].bytes
	cut := strings.Index(string(fromUp), "\r\n\r\n") + 4
	accept101, reversedGet := fromUp[:cut], fromUp[cut:]

	r, st, client, up, _, _ := relayPair(t)
	client.Write(upgradeReq)
	io.ReadFull(up, make([]byte, len(upgradeReq)))
	up.Write(accept101) // the upstream flips but asks nothing itself
	io.ReadFull(client, make([]byte, len(accept101)))

	sid := st.Sessions()[0].ID
	id, err := r.Inject(sid, reversedGet, "seed")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(reversedGet))
	if _, err := io.ReadFull(client, got); err != nil || string(got) != string(reversedGet) {
		t.Fatalf("the seed client got %q (%v), want the seed's request", got, err)
	}
	client.Write(answer)
	client.(*net.TCPConn).CloseWrite()
	if rest, _ := io.ReadAll(up); len(rest) != 0 {
		t.Fatalf("the upstream received %q", rest)
	}
	up.Close()
	waitEnded(t, st, 1)
	ex := st.Exchange(id)
	if body, _ := ex.Response.Body(); string(body) != "rdlrow ,olleH\r\n" || ex.Request.Target != "/" {
		t.Fatalf("captured %+v body %q", ex.Request, body)
	}
}
