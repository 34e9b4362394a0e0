package proxy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// writeSlowly writes b in pieces of n bytes, so that the relay records many
// small chunks, and reports the first error on errc.
func writeSlowly(c net.Conn, b []byte, n int, errc chan<- error) {
	for len(b) > 0 {
		k := min(n, len(b))
		if _, err := c.Write(b[:k]); err != nil {
			errc <- err
			return
		}
		b = b[k:]
		if n < 64<<10 {
			time.Sleep(time.Millisecond)
		}
	}
	errc <- nil
}

// Large messages through a relay recording to a capture file are written
// once (as the chunks they crossed in), come back byte for byte live and
// from the reopened file, and a large COMET event is still unwrapped.
func TestLargeMessagesStoredOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.ptthcap")
	w, err := capture.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(w)
	ln := listen(t)
	r := &Relay{Listen: "127.0.0.1:0", Upstream: ln.Addr().String(), Rec: st}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	client, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	up, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	client.SetDeadline(time.Now().Add(20 * time.Second))
	up.SetDeadline(time.Now().Add(20 * time.Second))

	upload := append([]byte("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 400000\r\n\r\n"), bytes.Repeat([]byte("u"), 400000)...)
	pad := strings.Repeat("e", 300000)
	event := fmt.Sprintf(`{"message-id":"m1","method":"GET","request-uri":"/big","http-version":"HTTP/1.1","headers":[],"body":"%s"}`, pad)
	var chunked bytes.Buffer
	chunked.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	for i := 0; i < len(event); i += 7000 {
		part := event[i:min(i+7000, len(event))]
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", len(part), part)
	}
	chunked.WriteString("0\r\n\r\n")
	reply := `{"message-id":"m1","http-version":"HTTP/1.1","status":200,"reason":"OK","headers":[],"body":"done"}`
	replyReq := fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(reply), reply)
	ack := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

	sent := [][]byte{upload, chunked.Bytes(), []byte(replyReq), []byte(ack)}
	errc := make(chan error, 2)
	go writeSlowly(client, upload, 64<<10, errc)
	if _, err := io.ReadFull(up, make([]byte, len(upload))); err != nil {
		t.Fatal(err)
	}
	go writeSlowly(up, chunked.Bytes(), 3000, errc) // many small chunks: the start is no longer among the latest
	if _, err := io.ReadFull(client, make([]byte, chunked.Len())); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	io.WriteString(client, replyReq)
	if _, err := io.ReadFull(up, make([]byte, len(replyReq))); err != nil {
		t.Fatal(err)
	}
	io.WriteString(up, ack)
	if _, err := io.ReadFull(client, make([]byte, len(ack))); err != nil {
		t.Fatal(err)
	}
	client.Close()
	up.Close()
	waitEnded(t, st, 1)

	check := func(what string, exs []*session.Exchange) {
		t.Helper()
		var got [][]byte
		var comet *session.Exchange
		for _, e := range exs {
			if e.Transport == session.COMET {
				comet = e
				continue
			}
			for _, m := range []*session.Message{e.Request, e.Response} {
				b, err := m.Wire()
				if err != nil {
					t.Fatalf("%s: %s: %v", what, e.ID, err)
				}
				got = append(got, b)
			}
		}
		if len(got) != len(sent) {
			t.Fatalf("%s: %d messages, want %d", what, len(got), len(sent))
		}
		for i := range sent {
			if !bytes.Equal(got[i], sent[i]) {
				t.Fatalf("%s: message %d differs (%d bytes, want %d)", what, i, len(got[i]), len(sent[i]))
			}
		}
		if comet == nil || comet.Response == nil || comet.Request.Target != "/big" {
			t.Fatalf("%s: the large COMET event was not paired with its reply: %+v", what, comet)
		}
	}
	live := st.Exchanges(0)
	if live[0].Request.Raw != nil || live[0].Request.Ref == nil {
		t.Fatalf("the upload is held in memory (%d bytes) rather than left in the capture", len(live[0].Request.Raw))
	}
	check("live", live)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range sent {
		total += len(b)
	}
	// The upload is in the file once (its two exchange records, pending
	// and complete, point at its chunks). The slowly written response,
	// whose start had left the chunks the writer remembers, is there three
	// times: as chunks, in its exchange record, and again when that record
	// is rewritten to link the COMET exchange, which holds the event's body
	// once more. Writing the upload inline would add 800 000 bytes.
	if limit := int64(total + 3*chunked.Len() + len(pad) + 64<<10); fi.Size() > limit {
		t.Fatalf("capture is %d bytes for %d relayed: large messages were written twice", fi.Size(), total)
	}
	rd, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	latest := map[string]int{}
	var opened []*session.Exchange
	if _, err := rd.Scan(capture.Handler{Exchange: func(e *session.Exchange) {
		if i, ok := latest[e.ID]; ok {
			opened[i] = e
			return
		}
		latest[e.ID] = len(opened)
		opened = append(opened, e)
	}}); err != nil {
		t.Fatal(err)
	}
	check("reopened", opened)
}
