// Package replay sends edited requests again: forward to the upstream on a
// new connection, reverse into a live flipped client socket (through the
// relay), or as a COMET event; and repeats them as a quick load test.
package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// Responder answers a reversed request that reaches a forward replay after
// its upgrade was accepted; it returns the raw response bytes.
type Responder func(req *session.Message) []byte

const defaultBody = "PTTH Inspector replay: no responder\r\n"

// DefaultResponse is what DefaultResponder answers.
const DefaultResponse = "HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: 37\r\n\r\n" + defaultBody

// DefaultResponder answers every reversed request with DefaultResponse.
func DefaultResponder(*session.Message) []byte { return []byte(DefaultResponse) }

// Forwarder replays requests to an upstream, each on a new connection,
// capturing them like relayed traffic.
type Forwarder struct {
	Rec      dissect.Recorder
	Book     *dissect.CometBook
	Upstream string
	Respond  Responder     // for reversed requests after a replayed upgrade; DefaultResponder when nil
	Timeout  time.Duration // how long to wait for the response (default 30 s)
}

// Send dials the upstream, sends req and returns the id of the captured
// exchange (marked Injected, ReplayOf replayOf) once its response arrived.
// When the upstream accepts a PTTH upgrade, the connection stays open until
// ctx is done or the upstream closes it, and reversed requests on it are
// answered by Respond and captured too.
func (f *Forwarder) Send(ctx context.Context, req []byte, replayOf string) (string, error) {
	timeout := f.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", f.Upstream)
	if err != nil {
		return "", fmt.Errorf("upstream %s unreachable: %w", f.Upstream, err)
	}
	w := &watcher{rec: f.Rec, reversed: make(chan *session.Message, 64), done: make(chan *session.Exchange, 1)}
	d := dissect.NewConn(w, f.Book, "inspector:"+conn.LocalAddr().String(), f.Upstream, time.Now())
	w.setSession(d.ID())
	d.MarkNext(session.FromClient, replayOf)
	var wmu sync.Mutex // serialises our writes to the upstream
	write := func(b []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		d.Feed(session.FromClient, b, time.Now())
		_, err := conn.Write(b)
		return err
	}
	if err := write(req); err != nil {
		conn.Close()
		d.End(time.Now(), err.Error())
		return "", err
	}
	readErr := make(chan error, 1)
	go func() { readErr <- readInto(conn, d) }()
	respond := f.Respond
	if respond == nil {
		respond = DefaultResponder
	}
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case m := <-w.reversed:
				if write(respond(m)) != nil {
					return
				}
			case <-stop:
				return
			}
		}
	}()
	finish := func(cause string) {
		close(stop)
		conn.Close()
		<-readErr
		d.End(time.Now(), cause)
	}
	select {
	case ex := <-w.done:
		if ex.Response != nil && ex.Response.Status == 101 && d.Flipped() {
			go func() {
				select {
				case <-ctx.Done():
				case err := <-readErr:
					readErr <- err
				}
				finish("")
			}()
			return ex.ID, nil
		}
		finish("")
		if ex.Response == nil {
			return ex.ID, errors.New(ex.Error)
		}
		return ex.ID, nil
	case err := <-readErr:
		readErr <- err
		finish("")
		// The upstream may close right after answering: the answer counts.
		select {
		case ex := <-w.done:
			if ex.Response != nil {
				return ex.ID, nil
			}
			return ex.ID, errors.New(ex.Error)
		default:
		}
		if ex := w.result(); ex != nil {
			if ex.Response != nil {
				return ex.ID, nil
			}
			return ex.ID, fmt.Errorf("upstream closed the connection before answering: %s", ex.Error)
		}
		return "", fmt.Errorf("upstream closed the connection: %v", err)
	case <-time.After(timeout):
		finish("replay timed out")
		return "", fmt.Errorf("no response within %v", timeout)
	case <-ctx.Done():
		finish("replay cancelled")
		return "", ctx.Err()
	}
}

// readInto feeds what the upstream sends to the dissector until EOF.
func readInto(conn net.Conn, d *dissect.Conn) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			d.Feed(session.FromUpstream, buf[:n], time.Now())
		}
		if err != nil {
			d.Close(session.FromUpstream, time.Now())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// watcher passes everything on to rec and notices the replayed exchange's
// completion and reversed requests waiting for an answer.
type watcher struct {
	rec      dissect.Recorder
	mu       sync.Mutex
	sess     string
	last     *session.Exchange
	reversed chan *session.Message
	done     chan *session.Exchange
	answered map[string]bool
}

func (w *watcher) setSession(id string) { w.mu.Lock(); w.sess = id; w.mu.Unlock() }

func (w *watcher) result() *session.Exchange {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

// PutSession passes a session on.
func (w *watcher) PutSession(s *session.Session) { w.rec.PutSession(s) }

// Chunk passes raw bytes on.
func (w *watcher) Chunk(id string, side session.Side, t time.Time, b []byte) {
	w.rec.Chunk(id, side, t, b)
}

// PutExchange passes an exchange on and notes what the replay waits for.
func (w *watcher) PutExchange(e *session.Exchange) {
	w.rec.PutExchange(e)
	w.mu.Lock()
	defer w.mu.Unlock()
	if e.Session != w.sess {
		return
	}
	switch {
	case e.Injected && e.Direction == session.Forward:
		w.last = e
		if e.Response != nil || e.Error != "" {
			select {
			case w.done <- e:
			default:
			}
		}
	case e.Direction == session.Reverse && e.Response == nil && e.Request != nil && e.Error == "":
		if w.answered == nil {
			w.answered = map[string]bool{}
		}
		if !w.answered[e.ID] {
			w.answered[e.ID] = true
			select {
			case w.reversed <- e.Request:
			default:
			}
		}
	}
}
