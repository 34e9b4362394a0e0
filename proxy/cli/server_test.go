package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ptth-inspector/proxy/demo"
	"ptth-inspector/proxy/importer"
	"ptth-inspector/session"
)

// TestRecordServerSendsToRealClients runs `record --server --send` with the
// demo PTTH client and the demo COMET client as real peers: each is sent the
// file's requests, and their answers land in the capture.
func TestRecordServerSendsToRealClients(t *testing.T) {
	dir := t.TempDir()
	send := filepath.Join(dir, "reqs.http")
	os.WriteFile(send, []byte("GET /status HTTP/1.1\nHost:\n\n###\nGET /missing HTTP/1.1\n\n"), 0o600)
	out := filepath.Join(dir, "server.ptthcap")
	stop := make(chan struct{})
	listening := make(chan string, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- record([]string{"--server", "--listen", "127.0.0.1:0", "--send", send, "--out", out},
			&stderr, stop, func(a string) { listening <- a })
	}()
	var addr string
	select {
	case addr = <-listening:
	case code := <-done:
		t.Fatalf("record exited %d: %s", code, stderr.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go demo.RunClient(ctx, addr, demo.ClientOptions{Reconnect: time.Hour})
	go demo.RunCometClient(ctx, addr, demo.CometOptions{Reconnect: time.Hour})

	// Wait (bounded) until the capture holds both answers for both clients.
	var got map[string]int
	for ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		got = answered(t, out)
		if got["ptth /status 200"] >= 1 && got["ptth /missing 404"] >= 1 && got["comet /status 200"] >= 1 && got["comet /missing 404"] >= 1 {
			break
		}
	}
	cancel()
	close(stop)
	if code := <-done; code != 0 {
		t.Fatalf("record exited %d: %s", code, stderr.String())
	}
	for _, k := range []string{"ptth /status 200", "ptth /missing 404", "comet /status 200", "comet /missing 404"} {
		if got[k] == 0 {
			t.Errorf("capture lacks a reversed %s exchange; has %v", k, got)
		}
	}
}

// answered counts the answered reversed exchanges in a capture by
// "transport target status".
func answered(t *testing.T, path string) map[string]int {
	t.Helper()
	im, err := importer.Load(path, nil)
	if err != nil {
		return nil
	}
	defer im.Close()
	st, err := im.Store()
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, e := range st.Exchanges(0) {
		if e.Direction == session.Reverse && e.Request != nil && e.Response != nil {
			out[e.Transport.String()+" "+e.Request.Target+" "+strconv.Itoa(e.Response.Status)]++
		}
	}
	return out
}
