package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ptth-inspector/proxy"
	"ptth-inspector/proxy/dissect"
	"ptth-inspector/proxy/replay"
	"ptth-inspector/session"
	"ptth-inspector/session/edit"
)

// Kind says where a replayed request goes.
type Kind int

// Replay kinds.
const (
	Forward Kind = iota // to the upstream, on a new connection
	Reverse             // into a live flipped client socket
	Comet               // as a COMET event on a client's next poll
)

// String names the kind for menus.
func (k Kind) String() string {
	switch k {
	case Reverse:
		return "reverse (to the client)"
	case Comet:
		return "COMET event"
	}
	return "forward (to the upstream)"
}

// KindOf returns how an exchange would be replayed by default.
func KindOf(e *session.Exchange) Kind {
	switch {
	case e == nil || e.Direction == session.Forward:
		return Forward
	case e.Transport == session.COMET:
		return Comet
	}
	return Reverse
}

// ErrSessionGone is returned by Replay for a reverse replay whose socket has
// closed; Alternatives lists newer flipped sessions of the same client.
var ErrSessionGone = proxy.ErrSessionGone

// Replay sends req the given way and returns the new exchange's id. For
// Reverse, sessionID names the flipped session to write into; for Comet, the
// session of the client whose next poll gets the event (in --server mode the
// next poll of any client). The new exchange is marked Injected with
// ReplayOf replayOf. A COMET event's exchange appears when the poll takes it,
// so Comet returns no id.
func (e *Engine) Replay(ctx context.Context, kind Kind, sessionID string, req []byte, replayOf string) (string, error) {
	switch kind {
	case Forward:
		return e.forwarder().Send(ctx, req, replayOf)
	case Reverse:
		r := e.Relay()
		if r == nil {
			return "", errors.New("the relay is stopped")
		}
		return r.Inject(sessionID, req, replayOf)
	case Comet:
		if e.mockSrv != nil {
			return "", e.mockSrv.QueueEvent(req)
		}
		r := e.Relay()
		s := e.Store.Session(sessionID)
		if r == nil || s == nil {
			return "", errors.New("COMET replay needs the relay running and the client's session")
		}
		parsed, err := edit.Parse(req)
		if err != nil {
			return "", err
		}
		_, err = r.QueueComet(dissect.ClientHost(s.Client), parsed.Message(), replayOf)
		return "", err
	}
	return "", fmt.Errorf("unknown replay kind %d", kind)
}

// Repeat sends req n times the given way, one after another or (reverse
// only) pipelined, and reports what happened.
func (e *Engine) Repeat(ctx context.Context, kind Kind, sessionID string, req []byte, replayOf string, n int, pipelined bool) replay.Stats {
	switch kind {
	case Forward:
		return replay.RepeatForward(ctx, e.forwarder(), req, replayOf, n)
	case Reverse:
		r := e.Relay()
		if r == nil {
			return replay.Stats{Errors: 1, FirstErr: errors.New("the relay is stopped")}
		}
		return replay.RepeatReverse(ctx, r, e.Store.Exchange, sessionID, req, replayOf, n, pipelined)
	}
	var st replay.Stats
	for i := 0; i < n; i++ {
		if _, err := e.Replay(ctx, kind, sessionID, req, replayOf); err != nil {
			st.Errors++
			st.FirstErr = err
			break
		}
		st.Sent++
	}
	return st
}

// Alternatives returns live flipped sessions of the same client host as
// sessionID, newest first (clients reconnect).
func (e *Engine) Alternatives(sessionID string) []string {
	r := e.Relay()
	s := e.Store.Session(sessionID)
	if r == nil || s == nil {
		return nil
	}
	return r.LiveFlipped(dissect.ClientHost(s.Client))
}

func (e *Engine) forwarder() *replay.Forwarder {
	return &replay.Forwarder{Rec: e.Store, Book: e.book, Upstream: e.Options().Upstream}
}

// SetIntercept installs a breakpoint rule on the relay (nil turns intercept
// off and releases what is paused); changed is called when the paused list
// changes. See proxy.Relay.SetIntercept.
func (e *Engine) SetIntercept(rule proxy.Rule, timeout time.Duration, changed func()) error {
	r := e.Relay()
	if r == nil {
		return errors.New("the relay is stopped")
	}
	r.SetIntercept(rule, timeout, changed)
	return nil
}
