package export

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

// upstream is a local TCP server that records each request's exact bytes,
// read with net/http's request parser (a net/http handler would only see
// headers after canonicalisation and reordering).
type upstream struct {
	ln  net.Listener
	got chan []byte
}

func newUpstream(t *testing.T) *upstream {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{ln: ln, got: make(chan []byte, 16)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	return u
}

func (u *upstream) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &raw))
	req, err := http.ReadRequest(br)
	if err != nil {
		u.got <- []byte("read error: " + err.Error())
		return
	}
	io.Copy(io.Discard, req.Body)
	u.got <- raw.Bytes()[:raw.Len()-br.Buffered()]
	io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

func TestCurlExportRuns(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed on this machine, so the exported commands cannot be run")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to run the exported script")
	}
	up := newUpstream(t)
	m := NewMemory()
	m.PutSession(&session.Session{ID: "s", Client: "127.0.0.1:5", Upstream: up.ln.Addr().String()})
	bin := "a\x00b%s'q'\\n\"é\r\n\x01\xff end"
	requests := []string{
		"POST / HTTP/1.1\r\nHost: localhost:9999\r\nAccept-Encoding: identity\r\nUpgrade: PTTH/1.0\r\n\r\n",
		"PUT /put?x=[1]&y={2} HTTP/1.1\r\nHost: up\r\nX-Multi: 1\r\nX-Multi: 2\r\nContent-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(len(bin)) + "\r\n\r\n" + bin,
		"HEAD /h HTTP/1.1\r\nHost: up\r\nUser-Agent: probe/1\r\nAccept: text/plain\r\n\r\n",
		"GET /old HTTP/1.0\r\nX-Empty:\r\n\r\n", // curl writes an empty header as "Name:"
		"POST /chunked HTTP/1.1\r\nHost: up\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
	}
	for i, r := range requests {
		msgs, err := ParseRaw(strings.NewReader(r))
		if err != nil || len(msgs) != 1 || string(msgs[0].Raw) != r {
			t.Fatalf("request %d: ParseRaw %v %d", i, err, len(msgs))
		}
		m.PutExchange(&session.Exchange{ID: "x" + strconv.Itoa(i), Session: "s", Seq: i + 1, Request: msgs[0]})
	}
	m.PutExchange(&session.Exchange{ID: "rev", Session: "s", Seq: 9, Direction: session.Reverse, Transport: session.PTTH,
		Request: &session.Message{Method: "GET", Target: "/r", Proto: "HTTP/1.1", Raw: []byte("GET /r HTTP/1.1\r\n\r\n"), HeadLen: 19}})
	script := render(t, Curl, m, Options{})
	if !strings.Contains(script, "# reversed: the upstream sent this request to the client 127.0.0.1:5") || !strings.Contains(script, "#   GET /r HTTP/1.1") {
		t.Fatalf("reversed request not commented with its raw form:\n%s", script)
	}
	var cmds []string
	for _, l := range strings.Split(script, "\n") {
		if l != "" && l[0] != '#' {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != len(requests) {
		t.Fatalf("%d commands for %d forward requests:\n%s", len(cmds), len(requests), script)
	}
	for i, cmd := range cmds {
		out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("request %d: %v: %s\n%s", i, err, out, cmd)
		}
		got := <-up.got
		want := requests[i]
		if i == 4 { // curl picks its own chunk sizes: compare head and decoded body
			g, err := ParseRaw(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("chunked request as received: %v\n%q", err, got)
			}
			w, _ := ParseRaw(strings.NewReader(want))
			gb, _ := g[0].Body()
			if gh, wh := got[:g[0].HeadLen], want[:w[0].HeadLen]; string(gh) != wh || string(gb) != "abcde" {
				t.Errorf("chunked request:\n got %q body %q\nwant %q", gh, gb, wh)
			}
			continue
		}
		if string(got) != want {
			t.Errorf("request %d as received:\n got %q\nwant %q\ncommand: %s", i, got, want, cmd)
		}
	}
}
