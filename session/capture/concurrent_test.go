package capture

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session"
)

func TestConcurrentWriters(t *testing.T) {
	const writers, each = 8, 300
	w, path := create(t)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("s%d", g)
			if err := w.Session(&session.Session{ID: id, Started: t0}); err != nil {
				t.Error(err)
				return
			}
			for i := range each {
				if err := w.Chunk(id, session.FromClient, t0, []byte(strconv.Itoa(i))); err != nil {
					t.Error(err)
					return
				}
				if err := w.Exchange(sampleExchange(fmt.Sprintf("%s-x%d", id, i), id, nil)); err != nil {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					w.Flush()
				}
			}
		}()
	}
	wg.Wait()
	must(t, w.Close())

	c := scanAll(t, path, true)
	if c.sum.Sessions != writers || c.sum.Exchanges != writers*each || c.sum.Chunks != writers*each || len(c.sum.Warnings) != 0 {
		t.Fatalf("summary %+v", c.sum)
	}
	next := map[string]int{}
	for _, ch := range c.chunks {
		if string(ch.b) != strconv.Itoa(next[ch.id]) {
			t.Fatalf("session %s: chunk %q out of order, want %d", ch.id, ch.b, next[ch.id])
		}
		next[ch.id]++
	}
	for _, x := range c.exchanges {
		if !strings.HasPrefix(x.ID, x.Session+"-x") || x.Response == nil {
			t.Fatalf("exchange %s mangled", x.ID)
		}
	}
}

const crashEnv = "PTTHCAP_CRASH_DIR"

// TestHelperRecorder is the child process of TestCrashKill: it writes
// exchanges until it is killed, noting each one written in a side file.
func TestHelperRecorder(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("runs only as TestCrashKill's child process")
	}
	w, err := Create(filepath.Join(dir, "crash.ptthcap"))
	must(t, err)
	side, err := os.OpenFile(filepath.Join(dir, "written.txt"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	must(t, err)
	must(t, w.Session(sampleSession("s")))
	for i := 0; ; i++ { // until killed
		id := fmt.Sprintf("x%07d", i)
		must(t, w.Chunk("s", session.FromClient, time.Now(), []byte(id)))
		must(t, w.Exchange(sampleExchange(id, "s", []byte(id))))
		fmt.Fprintf(side, "%s %d\n", id, time.Now().UnixNano())
		time.Sleep(time.Millisecond)
		if i > 30000 {
			t.Fatal("not killed")
		}
	}
}

func TestCrashKill(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs SIGKILL and subprocesses")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRecorder$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	must(t, cmd.Start())
	defer cmd.Process.Kill()
	sidePath := filepath.Join(dir, "written.txt")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if fi, err := os.Stat(sidePath); err == nil && fi.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("child never started writing")
		}
	}
	time.Sleep(1500 * time.Millisecond)
	killed := time.Now()
	must(t, cmd.Process.Kill()) // SIGKILL: no deferred flush, no Close
	cmd.Wait()

	got := map[string]bool{}
	c := scanAll(t, filepath.Join(dir, "crash.ptthcap"), true)
	for _, x := range c.exchanges {
		got[x.ID] = true
		sameExchange(t, x, sampleExchange(x.ID, "s", []byte(x.ID)))
	}
	for _, w := range c.sum.Warnings {
		if !strings.HasPrefix(w, "torn record at offset ") {
			t.Fatalf("unexpected warning %q", w)
		}
	}
	f, err := os.Open(sidePath)
	must(t, err)
	defer f.Close()
	old := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, ns, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(ns, 10, 64)
		if !ok || err != nil || len(id) != 8 {
			continue // the line the kill cut short
		}
		if killed.Sub(time.Unix(0, n)) > time.Second {
			old++
			if !got[id] {
				t.Fatalf("exchange %s written %v before the kill is missing (%d in file)", id, killed.Sub(time.Unix(0, n)), len(got))
			}
		}
	}
	if old == 0 {
		t.Fatal("no exchange was written more than 1 s before the kill")
	}
	t.Logf("%d exchanges in file, %d written > 1 s before the kill, warnings %q", len(got), old, c.sum.Warnings)
}
