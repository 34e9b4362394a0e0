package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
)

// TestHelperRecorder is not a test: TestRecorderSurvivesSIGKILL runs the test
// binary again with this test selected to get a real recorder process.
func TestHelperRecorder(t *testing.T) {
	args := os.Getenv("PTTH_RECORDER_ARGS")
	if args == "" {
		t.Skip("helper process for TestRecorderSurvivesSIGKILL")
	}
	if n, err := strconv.ParseUint(os.Getenv("PTTH_RECORDER_FSIZE"), 10, 64); err == nil {
		if err := limitFileSize(n); err != nil {
			t.Fatal(err)
		}
	}
	os.Exit(record(strings.Split(args, " "), os.Stderr, make(chan struct{}), func(a string) {
		fmt.Println("LISTEN " + a)
	}))
}

// TestRecorderSurvivesSIGKILL records live traffic in a subprocess, kills it
// with SIGKILL mid-capture, and checks that the capture opens and holds every
// exchange completed more than a second before the kill.
func TestRecorderSurvivesSIGKILL(t *testing.T) {
	out := filepath.Join(t.TempDir(), "crash.ptthcap")
	cmd, addr, _ := startRecorder(t, out)

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	type done struct {
		target string
		at     time.Time
	}
	var completed []done
	stopAt := time.Now().Add(1500 * time.Millisecond)
	for i := 0; time.Now().Before(stopAt); i++ {
		target := fmt.Sprintf("/n/%d", i)
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", target)
		if _, err := readResponse(br); err != nil {
			t.Fatal(err)
		}
		completed = append(completed, done{target, time.Now()})
		time.Sleep(2 * time.Millisecond)
	}
	killedAt := time.Now()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	r, err := capture.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seen := map[string]bool{}
	if _, err := r.Scan(capture.Handler{Exchange: func(e *session.Exchange) {
		if e.Request != nil && e.Response != nil {
			seen[e.Request.Target] = true
		}
	}}); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range completed {
		if killedAt.Sub(d.at) > time.Second {
			checked++
			if !seen[d.target] {
				t.Fatalf("exchange %s completed %v before the kill is missing", d.target, killedAt.Sub(d.at))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no exchange completed a second before the kill: nothing was checked")
	}
}

// serveOK answers every request on every connection with an empty 200.
func serveOK(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				for {
					l, err := br.ReadString('\n')
					if err != nil {
						return
					}
					if l == "\r\n" {
						break
					}
				}
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			}
		}()
	}
}

// readResponse reads one bodiless response head.
func readResponse(br *bufio.Reader) (string, error) {
	var head string
	for {
		l, err := br.ReadString('\n')
		head += l
		if err != nil || l == "\r\n" {
			return head, err
		}
	}
}

// TestRecorderSaysWhenTheCaptureStops runs the recorder with a file size
// limit standing in for a full disk: once the capture cannot grow, it says
// so at once, and the relay goes on forwarding.
func TestRecorderSaysWhenTheCaptureStops(t *testing.T) {
	if !canLimitFileSize {
		t.Skip("no file size limit on this system")
	}
	_, addr, stderr := startRecorder(t, filepath.Join(t.TempDir(), "full.ptthcap"), "PTTH_RECORDER_FSIZE=200000")
	told := func() string {
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, "nothing more is recorded") {
				return l
			}
		}
		return ""
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(c)
	body := strings.Repeat("x", 32<<10)
	var msg string
	for i := 0; msg == "" && i < 200; i++ { // 6.4 MB at most, far past the limit
		fmt.Fprintf(c, "POST /up HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		if _, err := readResponse(br); err != nil {
			t.Fatalf("request %d was not relayed: %v", i, err)
		}
		time.Sleep(20 * time.Millisecond)
		msg = told()
	}
	for deadline := time.Now().Add(3 * time.Second); msg == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		msg = told()
	}
	if msg == "" {
		t.Fatalf("the recorder never said the capture stopped; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(msg, "file too large") && !strings.Contains(msg, "no space") {
		t.Errorf("the message does not say why: %q", msg)
	}
	// The relay still forwards.
	fmt.Fprintf(c, "GET /after HTTP/1.1\r\n\r\n")
	if _, err := readResponse(br); err != nil {
		t.Fatalf("after the capture stopped, the relay stopped too: %v", err)
	}
}

// startRecorder runs the recorder in a subprocess (see TestHelperRecorder)
// relaying to an upstream that answers 200 to everything and writing out,
// with env added; it returns the process, the address it listens on and
// what it wrote to stderr so far. The process is killed when the test ends.
func startRecorder(t *testing.T, out string, env ...string) (*exec.Cmd, string, *lockedBuffer) {
	t.Helper()
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { up.Close() })
	go serveOK(up)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRecorder$")
	cmd.Env = append(append(os.Environ(), env...),
		"PTTH_RECORDER_ARGS=--listen 127.0.0.1:0 --upstream "+up.Addr().String()+" --out "+out)
	stdout, _ := cmd.StdoutPipe()
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "LISTEN ") {
		t.Fatalf("recorder did not start: %q %v", line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "LISTEN ")), stderr
}

// lockedBuffer collects a subprocess's output while a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
