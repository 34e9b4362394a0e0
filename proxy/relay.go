// Package proxy is the intercepting relay: it accepts clients, dials the
// upstream, copies bytes both ways unchanged and hands a copy of every chunk
// to the dissector.
package proxy

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
)

// Relay listens for clients and relays each one to Upstream.
type Relay struct {
	Listen   string             // address to listen on, e.g. 127.0.0.1:8080
	Upstream string             // host:port every client is relayed to
	Rec      dissect.Recorder   // where sessions and exchanges go
	Book     *dissect.CometBook // COMET pairing shared by all connections; made from Rec when nil
	// DialTimeout bounds how long dialling the upstream may take (default 5 s).
	DialTimeout time.Duration
	// Listener, if set, is served by Start instead of listening on Listen.
	Listener net.Listener

	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	live  map[string]*liveConn // by session id

	intercept interceptState
	comet     cometQueue // guarded by mu
	open      atomic.Int64
	closed    atomic.Bool
}

// Start opens the listener. It fails when the address is in use.
func (r *Relay) Start() error {
	if r.Upstream == "" {
		return errors.New("relay: no upstream address")
	}
	if r.Book == nil {
		r.Book = dissect.NewCometBook(r.Rec)
	}
	if r.DialTimeout == 0 {
		r.DialTimeout = 5 * time.Second
	}
	ln := r.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", r.Listen); err != nil {
			return fmt.Errorf("listen on %s: %w", r.Listen, err)
		}
	}
	warnIfNotLoopback(ln.Addr())
	r.ln = ln
	r.conns = map[net.Conn]struct{}{}
	r.live = map[string]*liveConn{}
	r.wg.Add(1)
	go r.accept()
	return nil
}

// Addr returns the address the relay listens on (after Start).
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// Open returns how many client connections are being relayed now.
func (r *Relay) Open() int { return int(r.open.Load()) }

// Close stops listening, cuts every relayed connection and waits for them.
func (r *Relay) Close() error {
	if r.closed.Swap(true) || r.ln == nil {
		return nil
	}
	err := r.ln.Close()
	r.mu.Lock()
	for _, lc := range r.live {
		lc.quit()
	}
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return err
}

func warnIfNotLoopback(a net.Addr) {
	if ta, ok := a.(*net.TCPAddr); ok && !ta.IP.IsLoopback() {
		slog.Warn("relay listens beyond loopback: anyone who can reach this address can use it and read the capture",
			"addr", a.String())
	}
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			if !r.closed.Load() {
				slog.Error("relay accept failed", "err", err)
			}
			return
		}
		if !r.track(c, true) {
			c.Close()
			return
		}
		r.open.Add(1)
		r.wg.Add(1)
		go r.serve(c)
	}
}

func (r *Relay) track(c net.Conn, add bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if add {
		if r.closed.Load() {
			return false
		}
		r.conns[c] = struct{}{}
	} else {
		delete(r.conns, c)
	}
	return true
}

func (r *Relay) serve(client net.Conn) {
	defer r.wg.Done()
	defer r.open.Add(-1)
	defer r.track(client, false)
	defer client.Close()
	d := dissect.NewConn(r.Rec, r.Book, client.RemoteAddr().String(), r.Upstream, time.Now())
	up, err := net.DialTimeout("tcp", r.Upstream, r.DialTimeout)
	if err != nil {
		msg := fmt.Sprintf("upstream %s unreachable: %v", r.Upstream, err)
		slog.Warn("relay: "+msg, "client", client.RemoteAddr().String())
		body := msg + "\n"
		fmt.Fprintf(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		drainAndClose(client)
		d.Fail(msg)
		d.End(time.Now(), "")
		return
	}
	if !r.track(up, true) {
		up.Close()
		d.End(time.Now(), "relay closed")
		return
	}
	defer r.track(up, false)
	defer up.Close()
	lc := &liveConn{r: r, client: client, up: up, d: d, feed: newFeeder(d), started: time.Now(), done: make(chan struct{}),
		clientHost: dissect.ClientHost(client.RemoteAddr().String())}
	r.register(d.ID(), lc)
	defer r.register(d.ID(), nil)
	var wg sync.WaitGroup
	var cause atomic.Value
	wg.Add(2)
	go func() { defer wg.Done(); lc.pipe(session.FromClient, &cause) }()
	go func() { defer wg.Done(); lc.pipe(session.FromUpstream, &cause) }()
	wg.Wait()
	lc.feed.end()
	c, _ := cause.Load().(string)
	d.End(time.Now(), c)
}

// pipe copies one direction unchanged, queueing each chunk for the
// dissector (see feeder) just before it is forwarded. EOF is passed on as a
// half-close; an error cuts both ways. Only answers to requests the relay injected itself are
// held back from the upstream (see Relay.Inject).
func (lc *liveConn) pipe(side session.Side, cause *atomic.Value) {
	src, dst := lc.client, lc.up
	if side == session.FromUpstream {
		src, dst = lc.up, lc.client
	}
	d, f := lc.d, lc.feed
	buf := f.buffer(side)
	var held []byte // the start of a request held until it is complete (intercept)
	for {
		n, err := src.Read(buf[:])
		if n > 0 {
			var werr error
			if side == session.FromUpstream {
				lc.clientMu.Lock()
			}
			cut := held != nil || lc.holding(side)
			if !cut && d.MayMask() {
				f.sync()
				cut = d.Masking()
			}
			queued := false
			switch {
			case cut:
				// What is forwarded depends on the dissector: let it catch up.
				f.sync()
				held, werr = lc.forwardSegments(side, dst, d.FeedSegments(side, buf[:n], time.Now()), held)
			case side == session.FromUpstream && !d.Reversed():
				// Responses may carry COMET events, and the client may post
				// its reply on another connection, whose dissector must
				// find the event recorded: dissect before forwarding.
				f.sync()
				d.Feed(side, buf[:n], time.Now())
				_, werr = dst.Write(buf[:n])
			default:
				// Queue for dissection before forwarding: the peer may
				// answer the moment it has these bytes, and its answer
				// must be dissected after them.
				f.chunk(side, buf, n, time.Now())
				_, werr = dst.Write(buf[:n])
				queued = true
			}
			if side == session.FromUpstream {
				lc.clientMu.Unlock()
			}
			if queued {
				buf = f.buffer(side)
			}
			if werr != nil {
				cause.CompareAndSwap(nil, fmt.Sprintf("write to %s failed: %v", peer(side, true), werr))
				lc.quit()
				src.Close()
				dst.Close()
				return
			}
		}
		if err != nil {
			if held != nil {
				// A request cut short by EOF was held for a breakpoint
				// that can never match it now: forward what came.
				if side == session.FromUpstream {
					lc.clientMu.Lock()
				}
				dst.Write(held)
				if side == session.FromUpstream {
					lc.clientMu.Unlock()
				}
				held = nil
			}
			f.eof(side, time.Now())
			if errors.Is(err, io.EOF) {
				if cw, ok := dst.(interface{ CloseWrite() error }); ok {
					cw.CloseWrite()
				}
				return
			}
			if !errors.Is(err, net.ErrClosed) {
				cause.CompareAndSwap(nil, fmt.Sprintf("read from %s failed: %v", peer(side, false), err))
			}
			lc.quit()
			src.Close()
			dst.Close()
			return
		}
	}
}

func peer(side session.Side, toOther bool) string {
	if (side == session.FromClient) != toOther {
		return "client"
	}
	return "upstream"
}

// drainAndClose half-closes c and reads what the client still sends (for a
// moment) so closing does not reset the connection before it read our answer.
func drainAndClose(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, c)
}
