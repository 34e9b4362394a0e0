package ui

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ptth-inspector/proxy"
	"ptth-inspector/proxy/cli"
	"ptth-inspector/proxy/importer"
	"ptth-inspector/session"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

// uiQueue stands in for fyne.Do: background work queues UI calls and the
// test goroutine runs them, so the race detector sees one UI goroutine.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(f func()) {
	q.mu.Lock()
	q.fns = append(q.fns, f)
	q.mu.Unlock()
}

func (q *uiQueue) run() {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// relayBackend is a live capture over a bare proxy.Relay, without the
// engine's capture file.
type relayBackend struct {
	st       *store.Store
	upstream string
	mu       sync.Mutex
	relay    *proxy.Relay
	listen   string
}

func (b *relayBackend) Store() *store.Store { return b.st }
func (b *relayBackend) Relay() *proxy.Relay {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.relay
}
func (b *relayBackend) StartRelay() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &proxy.Relay{Listen: "127.0.0.1:0", Upstream: b.upstream, Rec: b.st}
	if err := r.Start(); err != nil {
		return err
	}
	b.relay, b.listen = r, r.Addr()
	return nil
}
func (b *relayBackend) StopRelay() error {
	b.mu.Lock()
	r := b.relay
	b.relay = nil
	b.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Close()
}
func (b *relayBackend) SaveAs(string) error                  { return errors.New("no capture file in tests") }
func (b *relayBackend) Flush() error                         { return nil }
func (b *relayBackend) CapturePath() string                  { return "" }
func (b *relayBackend) Addresses() (listen, upstream string) { return b.listen, b.upstream }
func (b *relayBackend) Close() error                         { return b.StopRelay() }

// harness is a window under test with its UI queue.
type harness struct {
	t  testing.TB
	in *inspector
	q  *uiQueue
	w  fyne.Window
}

// newHarness builds the window in a test app, not yet attached to a capture.
func newHarness(t testing.TB, mode ptheme.Mode) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	th := ptheme.New(mode)
	a.Settings().SetTheme(th)
	w := test.NewTempWindow(t, nil)
	in := build(a, w, cli.WindowOptions{}, th)
	q := &uiQueue{}
	in.do = q.do
	w.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(in.close)
	return &harness{t: t, in: in, q: q, w: w}
}

// live attaches a relay to a tiny upstream and returns the relay address.
func (h *harness) live(upstream string) string {
	be := &relayBackend{st: store.New(nil), upstream: upstream}
	if err := be.StartRelay(); err != nil {
		h.t.Fatal(err)
	}
	h.in.attach(be.st, be)
	return be.listen
}

// waitFor runs queued UI work and ticks until cond holds (10 s at most).
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.q.run()
		h.in.tick()
		if cond() {
			// cond may read the store ahead of the window (Model.Row
			// does): one more tick draws what it saw.
			h.q.run()
			h.in.tick()
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// step is one run of bytes one peer sends before the other answers.
type step struct {
	side  session.Side
	bytes []byte
}

// loadTranscript turns a seed transcript into the runs of wire bytes each
// peer sent (see importer.ReadTranscriptRuns).
func loadTranscript(t testing.TB, name string) []step {
	t.Helper()
	f, err := os.Open("../proxy/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runs, err := importer.ReadTranscriptRuns(f)
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]step, len(runs))
	for i, r := range runs {
		steps[i] = step{r.Side, r.Bytes}
	}
	return steps
}

// tinyUpstream listens on loopback and plays the upstream's part of one
// script per connection, in order: it reads what the client sends and
// writes its own bytes.
func tinyUpstream(t *testing.T, scripts ...[]step) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for _, steps := range scripts {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			play(c, steps, session.FromUpstream)
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// runClient plays the client's part of steps through the relay.
func runClient(t *testing.T, relay string, steps []step) {
	t.Helper()
	c, err := net.Dial("tcp", relay)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := play(c, steps, session.FromClient); err != nil {
		t.Fatalf("client: %v", err)
	}
}

// play writes me's steps and reads exactly the other side's bytes.
func play(c net.Conn, steps []step, me session.Side) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	for _, s := range steps {
		if s.side == me {
			if _, err := c.Write(s.bytes); err != nil {
				return err
			}
			continue
		}
		got := make([]byte, len(s.bytes))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if !bytes.Equal(got, s.bytes) {
			return errors.New("relay changed the bytes: got " + strconv.Quote(string(got)))
		}
	}
	return nil
}

// walk calls fn for every object under o, with the nearest tappable
// ancestor (or nil).
func walk(o fyne.CanvasObject, tap fyne.Tappable, fn func(o fyne.CanvasObject, tap fyne.Tappable)) {
	if t, ok := o.(fyne.Tappable); ok {
		tap = t
	}
	fn(o, tap)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, tap, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, tap, fn)
		}
	}
}
