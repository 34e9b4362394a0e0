package mock

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// ask sends one raw request to the server and reads one response.
func ask(t *testing.T, addr, req string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestModesAndUnsolicited(t *testing.T) {
	offer := "POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n"
	tests := []struct {
		mode   Mode
		req    string
		status int
		body   string
	}{
		{Refuse, offer, 403, "refused"},
		{Accept, "GET /anything HTTP/1.1\r\nHost: x\r\n\r\n", 501, "nothing served"},
		{Accept, "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 200, `"request-uri": "/ev"`},
		{Comet, offer, 200, `"method": "GET"`},
	}
	for _, tc := range tests {
		s, err := Start("127.0.0.1:0", Options{Mode: tc.mode, Send: [][]byte{[]byte("GET /ev HTTP/1.1\r\n\r\n")}, PollWait: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		resp, body := ask(t, s.Addr(), tc.req)
		s.Close()
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("mode %d %q: %d %q, want %d containing %q", tc.mode, tc.req[:12], resp.StatusCode, body, tc.status, tc.body)
		}
	}
}

func TestParseMode(t *testing.T) {
	for s, want := range map[string]Mode{"accept": Accept, "": Accept, "refuse": Refuse, "comet": Comet} {
		if m, err := ParseMode(s); err != nil || m != want {
			t.Errorf("ParseMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMode("maybe"); err == nil {
		t.Error("ParseMode accepted a bad mode")
	}
}

func TestDefaultUnsolicitedFraming(t *testing.T) {
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(DefaultUnsolicited)), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if int64(len(b)) != resp.ContentLength || !strings.HasSuffix(DefaultUnsolicited, string(b)) {
		t.Fatalf("Content-Length %d, body %q", resp.ContentLength, b)
	}
}

// TestSendToAFlippedClient sends a queued request over a flipped socket
// while the server is still flipping it (a race the detector would see).
func TestSendToAFlippedClient(t *testing.T) {
	s, err := Start("127.0.0.1:0", Options{Mode: Accept})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "POST /reverse HTTP/1.1\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n")
	for s.Send(1, []byte("GET /queued HTTP/1.1\r\n\r\n")) != nil {
		time.Sleep(time.Millisecond)
	}
	br := bufio.NewReader(c)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 101 {
		t.Fatalf("no 101: %v", err)
	}
	req, err := http.ReadRequest(br)
	if err != nil || req.URL.Path != "/queued" {
		t.Fatalf("flipped client got %v, %v", req, err)
	}
}
