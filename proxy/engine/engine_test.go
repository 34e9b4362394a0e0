package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"ptth-inspector/proxy/demo"
	"ptth-inspector/proxy/mock"
	"ptth-inspector/session"
)

// TestDemoTrafficIsCaptured starts the engine the way --demo does and waits
// (bounded) for live PTTH and COMET exchanges in the store.
func TestDemoTrafficIsCaptured(t *testing.T) {
	e, err := Start(Options{Listen: "127.0.0.1:0", Demo: true, DemoInterval: 5 * time.Millisecond,
		Out: filepath.Join(t.TempDir(), "demo.ptthcap")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var ptth, comet bool
		for _, x := range e.Store.Exchanges(0) {
			ptth = ptth || (x.Transport == session.PTTH && x.Direction == session.Reverse && x.Response != nil)
			comet = comet || (x.Transport == session.COMET && x.Response != nil)
		}
		if ptth && comet {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no answered reversed PTTH and COMET exchanges after 15 s: %+v", e.Store.Stats())
}

// TestServerModeReplayKinds drives a real demo client through the engine in
// --server mode: a reverse replay reaches it over its flipped socket, and a
// COMET replay reaches a COMET client on its next poll.
func TestServerModeReplayKinds(t *testing.T) {
	e, err := Start(Options{Listen: "127.0.0.1:0", Server: true, Mock: mock.Options{PollWait: 200 * time.Millisecond},
		Out: filepath.Join(t.TempDir(), "server.ptthcap")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	go demo.RunClient(ctx, e.Options().Listen, demo.ClientOptions{Reconnect: time.Hour})
	go demo.RunCometClient(ctx, e.Options().Listen, demo.CometOptions{Reconnect: time.Hour})
	var sid string
	for sid == "" && ctx.Err() == nil {
		if ids := e.Relay().LiveFlipped(""); len(ids) > 0 {
			sid = ids[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	id, err := e.Replay(ctx, Reverse, sid, []byte("GET /missing HTTP/1.1\r\n\r\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Replay(ctx, Comet, "", []byte("GET /status HTTP/1.1\r\n\r\n"), ""); err != nil {
		t.Fatal(err)
	}
	for ctx.Err() == nil {
		rev := e.Store.Exchange(id)
		cometDone := false
		for _, x := range e.Store.Exchanges(0) {
			cometDone = cometDone || (x.Transport == session.COMET && x.Response != nil && x.Request.Target == "/status")
		}
		if rev != nil && rev.Response != nil && rev.Response.Status == 404 && cometDone {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ctx.Err() != nil {
		t.Fatal("reverse or COMET replay never answered")
	}
	if _, err := e.Replay(ctx, Reverse, "gone", []byte("GET / HTTP/1.1\r\n\r\n"), ""); !errors.Is(err, ErrSessionGone) {
		t.Fatalf("replay into an unknown session: %v", err)
	}
}

// TestRetargetKeepsTheCapture moves the relay to a new upstream: what was
// captured stays, and new traffic lands in the same store.
func TestRetargetKeepsTheCapture(t *testing.T) {
	a, err := demo.NewServer("127.0.0.1:0", demo.ServerOptions{Interval: time.Millisecond, CometOnly: true, PollWait: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	e, err := Start(Options{Listen: "127.0.0.1:0", Upstream: a.Addr(), Out: filepath.Join(t.TempDir(), "r.ptthcap")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go demo.RunCometClient(ctx, e.Options().Listen, demo.CometOptions{Reconnect: time.Hour})
	for e.Store.Stats().Exchanges == 0 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	before := e.Store.Stats().Exchanges
	if err := e.Retarget("127.0.0.1:0", "127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	if e.Store.Stats().Exchanges < before || e.Options().Upstream != "127.0.0.1:1" || e.Relay() == nil {
		t.Fatalf("after retarget: %+v, upstream %s", e.Store.Stats(), e.Options().Upstream)
	}
}

func TestDemoWithoutListenIsAnErrorNotAPanic(t *testing.T) {
	if _, err := Start(Options{Demo: true, Out: filepath.Join(t.TempDir(), "d.ptthcap")}); err == nil {
		t.Fatal("demo peers without a relay address started")
	}
}

func TestUnnamedCapturesKeepTheNewest(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "mine.ptthcap") // a capture the user named: never touched
	os.WriteFile(other, []byte("x"), 0o600)
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	var made []string
	for i := range 14 {
		at := start.Add(time.Duration(i) * time.Hour)
		p := newAutoCapture(dir, 4, true, at)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, at, at)
		made = append(made, p)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.ptthcap"))
	want := append(slices.Clone(made[10:]), other)
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left %q, want the 4 newest and the named one %q", left, want)
	}
	// One written in the last minutes may be another window's: it stays.
	os.Chtimes(made[10], start.Add(20*time.Hour), start.Add(20*time.Hour))
	newAutoCapture(dir, 1, true, start.Add(20*time.Hour+time.Minute))
	if _, err := os.Stat(made[10]); err != nil {
		t.Fatal("a capture written a minute ago was removed")
	}
	// In the shared temp directory nothing is removed.
	newAutoCapture(dir, 1, false, start.Add(40*time.Hour))
	if _, err := os.Stat(made[10]); err != nil {
		t.Fatal("pruned without leave")
	}
	if a, b := newAutoCapture(dir, 4, false, start), newAutoCapture(dir, 4, false, start); a == b {
		t.Fatal("two captures started in one millisecond got one name")
	}
}

func TestAutoCaptureDirIsPrivate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	d, private := AutoCaptureDir()
	fi, err := os.Stat(d)
	if err != nil || !private || !fi.IsDir() || fi.Mode().Perm() != 0o700 || filepath.Base(d) != "ptth-inspector" {
		t.Fatalf("AutoCaptureDir %q: %v %v", d, fi, err)
	}
}
