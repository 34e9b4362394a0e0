package replay

import (
	"context"
	"fmt"
	"time"

	"ptth-inspector/session"
)

// Stats summarise a repeat run.
type Stats struct {
	Sent     int
	Answered int
	Errors   int
	Elapsed  time.Duration
	FirstErr error
}

// PerSecond returns answered exchanges per second.
func (s Stats) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Answered) / s.Elapsed.Seconds()
}

// String is a one-line summary for the window.
func (s Stats) String() string {
	out := fmt.Sprintf("%d sent, %d answered, %d errors in %v (%.0f exchanges/s)",
		s.Sent, s.Answered, s.Errors, s.Elapsed.Round(time.Millisecond), s.PerSecond())
	if s.FirstErr != nil {
		out += "; first error: " + s.FirstErr.Error()
	}
	return out
}

func (s *Stats) fail(err error) {
	s.Errors++
	if s.FirstErr == nil {
		s.FirstErr = err
	}
}

// Injector writes a request into a live flipped session (proxy.Relay is one).
type Injector interface {
	Inject(sessionID string, req []byte, replayOf string) (string, error)
}

// Lookup returns the current snapshot of an exchange (store.Store.Exchange).
type Lookup func(id string) *session.Exchange

// RepeatReverse sends req n times into a flipped session: one after another
// (each waits for its answer) or pipelined (all written, then the answers
// awaited). Answers are captured and not forwarded upstream.
func RepeatReverse(ctx context.Context, inj Injector, look Lookup, sessionID string, req []byte, replayOf string, n int, pipelined bool) Stats {
	var st Stats
	start := time.Now()
	var ids []string
	for i := 0; i < n && ctx.Err() == nil; i++ {
		id, err := inj.Inject(sessionID, req, replayOf)
		if err != nil {
			st.fail(err)
			break
		}
		st.Sent++
		if pipelined {
			ids = append(ids, id)
			continue
		}
		awaitAnswer(ctx, look, id, &st)
	}
	for _, id := range ids {
		awaitAnswer(ctx, look, id, &st)
	}
	st.Elapsed = time.Since(start)
	return st
}

// AnswerWait bounds how long a repeat waits for one answer.
const AnswerWait = 30 * time.Second

func awaitAnswer(ctx context.Context, look Lookup, id string, st *Stats) {
	deadline := time.Now().Add(AnswerWait)
	for backoff := 50 * time.Microsecond; ; backoff = min(backoff*2, 5*time.Millisecond) {
		if e := look(id); e != nil && !e.Pending() {
			if e.Response != nil {
				st.Answered++
			} else {
				st.fail(fmt.Errorf("exchange %s: %s", id, e.Error))
			}
			return
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			st.fail(fmt.Errorf("exchange %s: no answer", id))
			return
		}
		time.Sleep(backoff)
	}
}

// RepeatForward replays req n times to the upstream, one after another, each
// on a new connection.
func RepeatForward(ctx context.Context, f *Forwarder, req []byte, replayOf string, n int) Stats {
	var st Stats
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		st.Sent++
		// Each replay gets its own context, cancelled once it answered: a
		// replayed upgrade would otherwise keep its socket open until ctx ends.
		one, cancel := context.WithCancel(ctx)
		_, err := f.Send(one, req, replayOf)
		cancel()
		if err != nil {
			st.fail(err)
			continue
		}
		st.Answered++
	}
	st.Elapsed = time.Since(start)
	return st
}
