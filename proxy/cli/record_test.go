package cli

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ptth-inspector/proxy/importer"
	"ptth-inspector/session"
)

// wireOf reads a seed transcript as the runs of wire bytes each peer sent.
func wireOf(t *testing.T, path string) []importer.Run {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runs, err := importer.ReadTranscriptRuns(f)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// TestRecordThenExportGivesTheSeedTranscript runs the real record command in
// front of a scripted upstream, plays a seed exchange through it, stops it
// as SIGINT would, and exports the capture as a transcript.
func TestRecordThenExportGivesTheSeedTranscript(t *testing.T) {
	for _, seed := range []string{"seed-upgrade.transcript", "seed-comet.transcript"} {
		t.Run(seed, func(t *testing.T) {
			want, _ := os.ReadFile(filepath.Join("testdata", seed))
			steps := wireOf(t, filepath.Join("testdata", seed))
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() { // the first connection is record's reachability check
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					go func() {
						defer c.Close()
						for _, s := range steps {
							if s.Side == session.FromUpstream {
								c.Write(s.Bytes)
							} else if _, err := io.ReadFull(c, make([]byte, len(s.Bytes))); err != nil {
								return
							}
						}
						io.Copy(io.Discard, c)
					}()
				}
			}()
			out := filepath.Join(t.TempDir(), "seed.ptthcap")
			stop := make(chan struct{})
			listening := make(chan string, 1)
			done := make(chan int, 1)
			var stderr bytes.Buffer
			go func() {
				done <- record([]string{"--listen", "127.0.0.1:0", "--upstream", ln.Addr().String(), "--out", out},
					&stderr, stop, func(a string) { listening <- a })
			}()
			var addr string
			select {
			case addr = <-listening:
			case code := <-done:
				t.Fatalf("record exited %d: %s", code, stderr.String())
			}
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			for _, s := range steps {
				if s.Side != session.FromUpstream {
					c.Write(s.Bytes)
				} else if _, err := io.ReadFull(c, make([]byte, len(s.Bytes))); err != nil {
					t.Fatal(err)
				}
			}
			c.Close()
			time.Sleep(100 * time.Millisecond) // let the relay see the close before the stop
			close(stop)
			if code := <-done; code != 0 {
				t.Fatalf("record exited %d: %s", code, stderr.String())
			}
			var got, errOut bytes.Buffer
			if code := Export([]string{"--format", "transcript", out}, &got, &errOut); code != 0 {
				t.Fatalf("export exited %d: %s", code, errOut.String())
			}
			var kept []string
			for _, l := range strings.SplitAfter(got.String(), "\n") {
				if l != "" && l != "\n" && !strings.HasPrefix(l, "#") {
					kept = append(kept, l)
				}
			}
			if strings.Join(kept, "") != string(want) {
				t.Fatalf("transcript differs from %s:\n%s", seed, strings.Join(kept, ""))
			}
		})
	}
}

func TestRecordRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--listen", "127.0.0.1:0", "--out", "x"},                                       // no upstream
		{"--upstream", "127.0.0.1:1", "--out", filepath.Join(t.TempDir(), "c.ptthcap")}, // unreachable
		{"--upstream", "127.0.0.1:1"},                                                   // no out
		{"--bogus"},
		{"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:1", "--upgrade", "refuse", "--out", "x"}, // --upgrade needs --server
		{"--server", "--upgrade", "sometimes", "--out", "x"},                                          // bad mode
	} {
		var stderr bytes.Buffer
		if code := record(args, &stderr, make(chan struct{}), nil); code == 0 {
			t.Errorf("record %v exited 0", args)
		} else if strings.Count(strings.TrimSpace(stderr.String()), "\n") > 0 {
			t.Errorf("record %v: want a one-line error, got %q", args, stderr.String())
		}
	}
}

func TestRecordThatCannotListenLeavesAnExistingCaptureAlone(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	up, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	out := filepath.Join(t.TempDir(), "keep.ptthcap")
	if err := os.WriteFile(out, []byte("an earlier capture"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	args := []string{"--listen", busy.Addr().String(), "--upstream", up.Addr().String(), "--out", out}
	if code := record(args, &stderr, make(chan struct{}), nil); code == 0 || !strings.Contains(stderr.String(), "listen") {
		t.Fatalf("record on a busy address: exit %d, %q", code, stderr.String())
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "an earlier capture" {
		t.Fatalf("the existing capture is now %q (%v)", b, err)
	}
}
