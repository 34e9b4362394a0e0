package proxy

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// Rule says whether a request should pause at a breakpoint before it is
// forwarded (the window builds one from its filter language).
type Rule func(e *session.Exchange) bool

// DefaultPauseTimeout is how long a paused request waits for a decision
// before it is forwarded unchanged, so peers do not hang for ever.
const DefaultPauseTimeout = 60 * time.Second

// Paused is a request held at a breakpoint.
type Paused struct {
	Exchange *session.Exchange
	Raw      []byte    // the bytes that will be forwarded unless edited
	Since    time.Time // when it was paused
	Deadline time.Time // when it will be forwarded unchanged
}

// decision is what the user chose for a paused request.
type decision struct {
	data     []byte // bytes to forward instead; nil with drop
	drop     bool
	timedOut bool // nobody decided: the timeout forwarded it
}

// heldFor writes how long a request was held: "7.82 s", "120 ms".
func heldFor(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

type pausedEntry struct {
	Paused
	decide chan decision
}

// interceptState is the relay's breakpoint rule and paused requests.
type interceptState struct {
	mu      sync.Mutex
	rule    Rule
	timeout time.Duration
	paused  map[string]*pausedEntry
	notify  func()
	on      atomic.Bool // rule != nil
}

// SetIntercept installs a breakpoint rule (nil turns intercept off and
// forwards every paused request unchanged), how long a paused request waits,
// and a function called whenever the paused list changes (may be nil).
func (r *Relay) SetIntercept(rule Rule, timeout time.Duration, changed func()) {
	is := &r.intercept
	is.mu.Lock()
	is.rule, is.notify = rule, changed
	is.on.Store(rule != nil)
	is.timeout = timeout
	if is.timeout <= 0 {
		is.timeout = DefaultPauseTimeout
	}
	var release []*pausedEntry
	if rule == nil {
		for _, p := range is.paused {
			release = append(release, p)
		}
	}
	is.mu.Unlock()
	for _, p := range release {
		select {
		case p.decide <- decision{data: p.Raw}:
		default: // decided already
		}
	}
}

// Intercepting reports whether a breakpoint rule is set.
func (r *Relay) Intercepting() bool { return r.intercept.on.Load() }

// intercepting is read on every forwarded chunk: an atomic, no lock.
func (r *Relay) intercepting() bool { return r.intercept.on.Load() }

// PausedRequests lists the requests held at breakpoints, oldest first.
func (r *Relay) PausedRequests() []Paused {
	is := &r.intercept
	is.mu.Lock()
	defer is.mu.Unlock()
	out := make([]Paused, 0, len(is.paused))
	for _, p := range is.paused {
		out = append(out, p.Paused)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

// ErrNotPaused says no request with that exchange id is paused.
var ErrNotPaused = errors.New("no such paused request")

// Resume forwards a paused request: data replaces its bytes when not nil.
func (r *Relay) Resume(exchangeID string, data []byte) error {
	return r.decide(exchangeID, func(p *pausedEntry) decision {
		if data == nil {
			data = p.Raw
		}
		return decision{data: data}
	})
}

// DropPaused discards a paused request: the peer never sees it.
func (r *Relay) DropPaused(exchangeID string) error {
	return r.decide(exchangeID, func(*pausedEntry) decision { return decision{drop: true} })
}

func (r *Relay) decide(id string, f func(*pausedEntry) decision) error {
	is := &r.intercept
	is.mu.Lock()
	p := is.paused[id]
	is.mu.Unlock()
	if p == nil {
		return ErrNotPaused
	}
	select {
	case p.decide <- f(p):
		return nil
	default:
		return ErrNotPaused // decided already
	}
}

// forwardSegments writes what the dissector cut from one read: answers to
// injected requests are left out, a request still arriving is held (while
// intercepting), and a complete request the rule matches waits for a
// decision. It returns the bytes still held.
func (lc *liveConn) forwardSegments(side session.Side, dst net.Conn, segs []dissect.Segment, held []byte) ([]byte, error) {
	for _, s := range segs {
		data := s.Data
		if held != nil {
			data = append(held, data...)
			held = nil
		}
		switch {
		case s.Drop:
			continue
		case s.Partial && s.PartialRequest && lc.holding(side):
			held = append([]byte(nil), data...)
			continue
		case s.Request != nil && lc.answerComet(side, s.Request):
			continue
		case s.Request != nil:
			var keep bool
			if data, keep = lc.pauseIfMatched(s.Request, data); !keep {
				continue
			}
		}
		if _, err := dst.Write(data); err != nil {
			return nil, err
		}
	}
	return held, nil
}

// holding reports whether requests from side must be held until complete:
// a breakpoint rule is set, or COMET events wait for this client's polls.
func (lc *liveConn) holding(side session.Side) bool {
	return lc.r.intercepting() || (side == session.FromClient && lc.r.cometActive(lc.host()))
}

// pauseIfMatched holds a complete request that matches the rule until the
// user decides, the timeout passes or the connection goes away.
func (lc *liveConn) pauseIfMatched(ex *session.Exchange, data []byte) ([]byte, bool) {
	is := &lc.r.intercept
	is.mu.Lock()
	rule, timeout, notify := is.rule, is.timeout, is.notify
	if rule == nil || !rule(ex) {
		is.mu.Unlock()
		return data, true
	}
	now := time.Now()
	p := &pausedEntry{Paused: Paused{Exchange: ex, Raw: append([]byte(nil), data...), Since: now, Deadline: now.Add(timeout)},
		decide: make(chan decision, 1)}
	if is.paused == nil {
		is.paused = map[string]*pausedEntry{}
	}
	is.paused[ex.ID] = p
	is.mu.Unlock()
	lc.d.Annotate(ex.ID, session.Hint{Code: session.HintPaused, Text: "paused at a breakpoint"})
	if notify != nil {
		notify()
	}
	var d decision
	select {
	case d = <-p.decide:
	case <-time.After(timeout):
		d = decision{data: p.Raw, timedOut: true}
	case <-lc.done:
		d = decision{drop: true}
	}
	is.mu.Lock()
	delete(is.paused, ex.ID)
	is.mu.Unlock()
	if notify != nil {
		notify()
	}
	switch {
	case d.drop:
		lc.d.Drop(ex.ID, "dropped at a breakpoint")
		return nil, false
	case string(d.data) == string(p.Raw):
		// Its times are the sender's: say how long of its duration the
		// breakpoint took (an edited request's times are when it went on).
		why := "forwarded unchanged after "
		if d.timedOut {
			why = "breakpoint timed out: forwarded unchanged after "
		}
		lc.d.Annotate(ex.ID, session.Hint{Code: session.HintPaused, Text: why + heldFor(time.Since(now))})
	default:
		if err := lc.d.Edited(ex.ID, d.data, time.Now()); err != nil {
			lc.d.Annotate(ex.ID, session.Hint{Code: session.HintPaused,
				Text: "edited at a breakpoint into bytes that are not one request (" + err.Error() + "); the capture shows the original"})
		}
	}
	return d.data, true
}
