// Package engine wires a capture together: the store, the capture file it
// writes, the relay that feeds it and, on request, the demo peers. The window
// and the record command both drive one.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"ptth-inspector/proxy"
	"ptth-inspector/proxy/demo"
	"ptth-inspector/proxy/dissect"
	"ptth-inspector/proxy/mock"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// Options say what to relay and where to record.
type Options struct {
	Listen   string // relay listen address; empty: no relay
	Upstream string // upstream host:port; empty with Demo: the demo server
	Demo     bool   // start the demo server and demo clients
	Out      string // capture file; empty: a new file in AutoCaptureDir
	Server   bool   // mock PTTH server mode: the relay's upstream is a built-in mock server
	Mock     mock.Options
	// DemoInterval overrides the demo server's pause between reversed requests.
	DemoInterval time.Duration
	DemoLoad     bool // the demo server sends without pausing (load test)
}

// Engine is one running capture.
type Engine struct {
	Store *store.Store
	opts  Options

	mu      sync.Mutex
	writer  *capture.Writer
	relay   *proxy.Relay
	ln      net.Listener // opened by Start before the capture, for the first relay
	book    *dissect.CometBook
	demoSrv *demo.Server
	mockSrv *mock.Server
	cancel  context.CancelFunc
	life    context.Context // done when the engine closes
	endLife context.CancelFunc
	wg      sync.WaitGroup
}

// Context is done when the engine closes; replays that keep a connection
// open (an upgrade replayed forward) live as long as it.
func (e *Engine) Context() context.Context { return e.life }

// Start opens the capture file, starts the demo server when asked, then the
// relay, then the demo clients.
func Start(o Options) (*Engine, error) {
	if o.Out == "" {
		dir, private := AutoCaptureDir()
		o.Out = newAutoCapture(dir, KeepAutoCaptures, private, time.Now())
	}
	if o.Demo && o.Listen == "" {
		return nil, errors.New("the demo peers need a listen address for the relay")
	}
	// Listen first: a relay that cannot start must not have replaced the
	// file at o.Out with an empty capture.
	var ln net.Listener
	if o.Listen != "" {
		var err error
		if ln, err = net.Listen("tcp", o.Listen); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", o.Listen, err)
		}
	}
	if fi, err := os.Stat(o.Out); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
		slog.Warn("replacing an existing file with the new capture", "path", o.Out, "bytes", fi.Size())
	}
	w, err := capture.Create(o.Out)
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("cannot write capture: %w", err)
	}
	e := &Engine{opts: o, writer: w, Store: store.New(w), ln: ln}
	defer func() {
		if e.ln != nil { // not handed to a relay: Start failed
			e.ln.Close()
		}
	}()
	e.life, e.endLife = context.WithCancel(context.Background())
	e.book = dissect.NewCometBook(e.Store)
	if o.Server {
		if o.Upstream != "" {
			w.Close()
			return nil, errors.New("--server and --upstream exclude each other")
		}
		srv, err := mock.Start("127.0.0.1:0", o.Mock)
		if err != nil {
			w.Close()
			return nil, err
		}
		e.mockSrv = srv
		e.opts.Upstream = srv.Addr()
	}
	if o.Demo && e.opts.Upstream == "" {
		srv, err := demo.NewServer("127.0.0.1:0", demo.ServerOptions{Interval: o.DemoInterval, NoDelay: o.DemoLoad})
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("demo server: %w", err)
		}
		e.demoSrv = srv
		e.opts.Upstream = srv.Addr()
	}
	if o.Listen != "" {
		if err := e.StartRelay(); err != nil {
			e.Close()
			return nil, err
		}
	}
	if o.Demo {
		ctx, cancel := context.WithCancel(context.Background())
		e.cancel = cancel
		addr := e.relay.Addr()
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if err := demo.Run(ctx, addr); err != nil && !errors.Is(err, context.Canceled) {
				slog.Warn("demo clients stopped", "err", err)
			}
		}()
	}
	return e, nil
}

// Options returns the options the engine runs with (Upstream filled in when
// the demo server stands in for it).
func (e *Engine) Options() Options {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opts
}

// CapturePath returns the capture file being written.
func (e *Engine) CapturePath() string { return e.opts.Out }

// Mock returns the mock PTTH server in server mode, or nil.
func (e *Engine) Mock() *mock.Server { return e.mockSrv }

// Relay returns the running relay, or nil.
func (e *Engine) Relay() *proxy.Relay {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.relay
}

// StartRelay starts relaying (again) on the configured addresses.
func (e *Engine) StartRelay() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.relay != nil {
		return nil
	}
	if e.opts.Upstream == "" {
		return errors.New("no upstream: give --upstream HOST:PORT (or --demo)")
	}
	r := &proxy.Relay{Listen: e.opts.Listen, Upstream: e.opts.Upstream, Rec: e.Store, Book: e.book, Listener: e.ln}
	e.ln = nil // the relay owns it now, started or not
	if err := r.Start(); err != nil {
		if r.Listener != nil {
			r.Listener.Close()
		}
		return err
	}
	e.opts.Listen = r.Addr()
	e.relay = r
	slog.Info("relaying", "listen", r.Addr(), "upstream", e.opts.Upstream, "capture", e.opts.Out)
	return nil
}

// StopRelay stops listening and cuts relayed connections; the capture stays open.
func (e *Engine) StopRelay() error {
	e.mu.Lock()
	r := e.relay
	e.relay = nil
	e.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Close()
}

// Flush writes everything buffered to the capture file.
func (e *Engine) Flush() error { return e.writer.Flush() }

// SaveAs copies the capture file, as written so far, to path.
func (e *Engine) SaveAs(path string) error {
	if err := e.writer.Flush(); err != nil {
		return err
	}
	src, err := os.Open(e.opts.Out)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// Close stops the demo peers and the relay and closes the capture file.
func (e *Engine) Close() error {
	e.endLife()
	if e.cancel != nil {
		e.cancel()
	}
	err := e.StopRelay()
	e.wg.Wait()
	if e.demoSrv != nil {
		e.demoSrv.Close()
	}
	if e.mockSrv != nil {
		e.mockSrv.Close()
	}
	if cerr := e.writer.Close(); err == nil {
		err = cerr
	}
	return err
}

// Retarget moves the relay to new listen and upstream addresses, keeping the
// store and the capture file: the capture goes on where it was. On failure
// the relay stays stopped and the error says why.
func (e *Engine) Retarget(listen, upstream string) error {
	if err := e.StopRelay(); err != nil {
		return err
	}
	e.mu.Lock()
	e.opts.Listen, e.opts.Upstream = listen, upstream
	e.mu.Unlock()
	return e.StartRelay()
}
