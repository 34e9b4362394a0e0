package demo

import (
	"context"
	"errors"
	"sync"
)

// Run starts one RunClient and one RunCometClient against relayAddr (the
// relay forwards to a Server created separately) with default options and
// blocks until ctx is done; it returns ctx.Err() or the first setup error.
func Run(ctx context.Context, relayAddr string) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	fail := func(err error) {
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			once.Do(func() { first = err })
			cancel()
		}
	}
	wg.Go(func() { fail(RunClient(rctx, relayAddr, ClientOptions{})) })
	wg.Go(func() { fail(RunCometClient(rctx, relayAddr, CometOptions{})) })
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
