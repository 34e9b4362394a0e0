package demo

import (
	"context"
	"testing"
	"time"
)

// waitLimit bounds every wait in the tests.
const waitLimit = 10 * time.Second

// startServer starts a Server on loopback whose exchanges arrive on the
// returned channel; it is closed when the test ends.
func startServer(t *testing.T, opts ServerOptions) (*Server, <-chan Exchange) {
	t.Helper()
	ch := make(chan Exchange, 4096)
	opts.OnExchange = func(e Exchange) {
		select {
		case ch <- e:
		default:
		}
	}
	s, err := NewServer("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s, ch
}

// runner is a peer running in its own goroutine.
type runner struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// goRun starts run in a goroutine; the test's cleanup cancels it and waits.
func goRun(t *testing.T, run func(ctx context.Context) error) *runner {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = run(ctx)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the peer and waits (bounded) for it to return its error.
func (r *runner) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		return r.err
	case <-time.After(waitLimit):
		t.Fatal("peer did not stop after cancel")
		return nil
	}
}

// collect waits (bounded) for n exchanges accepted by keep.
func collect(t *testing.T, ch <-chan Exchange, n int, keep func(Exchange) bool) []Exchange {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var out []Exchange
	for len(out) < n {
		select {
		case e := <-ch:
			if keep == nil || keep(e) {
				out = append(out, e)
			}
		case <-ctx.Done():
			t.Fatalf("got %d of %d exchanges before timeout: %+v", len(out), n, out)
		}
	}
	return out
}

// fastClient answers with a short reconnect pause.
func fastClient(addr string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return RunClient(ctx, addr, ClientOptions{Reconnect: 10 * time.Millisecond})
	}
}

// fastComet polls with a short reconnect pause.
func fastComet(addr string, opts CometOptions) func(ctx context.Context) error {
	opts.Reconnect = 10 * time.Millisecond
	return func(ctx context.Context) error { return RunCometClient(ctx, addr, opts) }
}
