package demo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults used when the matching option is zero.
const (
	DefaultInterval  = 700 * time.Millisecond // pause between reversed requests
	DefaultPollWait  = 2 * time.Second        // COMET poll wait before 204
	DefaultReconnect = time.Second            // client pause before reconnecting
)

// response101 is the exact acceptance the Server sends.
const response101 = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\n\r\n"

// historySize bounds how many exchanges a Server remembers.
const historySize = 1024

// ioTimeout bounds one write or response read on a flipped socket.
const ioTimeout = 30 * time.Second

// ServerOptions configures a Server; the zero value is a sensible demo.
type ServerOptions struct {
	// Interval is the pause between reversed requests on a flipped socket and
	// between COMET events for one client; 0 means DefaultInterval.
	Interval time.Duration
	// Count is how many reversed requests each flipped socket carries (the
	// last one says Connection: close) and how many events each COMET client
	// gets; 0 means forever.
	Count int
	// NoDelay drops the pause entirely (load mode); it overrides Interval.
	NoDelay bool
	// PollWait is how long a COMET poll waits for an event before answering
	// 204; 0 means DefaultPollWait.
	PollWait time.Duration
	// CometOnly ignores Upgrade offers and answers every POST as a COMET poll,
	// like the 2008 seed transcript.
	CometOnly bool
	// OnFlip, if set, drives each flipped socket instead of the built-in
	// stream; the server closes the socket when it returns.
	OnFlip func(fc *FlippedConn)
	// OnExchange, if set, is called after each reversed exchange ends; it runs
	// on the connection's goroutine and must not block.
	OnExchange func(Exchange)
	// Logger receives Debug-level logs; nil means slog.Default().
	Logger *slog.Logger
}

// Exchange is one reversed request and its answer as seen by the Server.
type Exchange struct {
	Via       string // "ptth" (flipped socket) or "comet" (JSON event and reply)
	Conn      int    // 1-based number of the flipped socket; 0 for COMET
	Client    string // peer address (ptth) or COMET client id
	MessageID string // COMET message-id; empty for ptth
	Kind      string // request kind, e.g. "status", "event-plist", "pipelined", "missing"
	Method    string // request method
	URI       string // request URI
	Status    int    // answer status; 0 when Err is set
	Body      string // answer body, cut to 512 bytes
	Err       error  // transport failure or unmatched reply
}

// Server is a demo PTTH upstream that also speaks the COMET fallback.
type Server struct {
	opts   ServerOptions
	log    *slog.Logger
	ln     net.Listener
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	conns   map[net.Conn]struct{}
	flips   int
	history []Exchange
	comet   map[string]*cometState
}

// NewServer starts a Server listening on addr, which must be a loopback
// address such as "127.0.0.1:0".
func NewServer(addr string, opts ServerOptions) (*Server, error) {
	if err := checkLoopback(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:   opts,
		log:    lg.With("component", "demo-server"),
		ln:     ln,
		ctx:    ctx,
		cancel: cancel,
		conns:  make(map[net.Conn]struct{}),
		comet:  make(map[string]*cometState),
	}
	s.wg.Add(1)
	go s.acceptLoop()
	s.log.Debug("listening", "addr", ln.Addr().String())
	return s, nil
}

// Addr returns the address the Server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the listener, closes every connection and waits for all of
// the Server's goroutines; it is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.cancel()
	err := s.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	s.wg.Wait()
	s.log.Debug("closed")
	return err
}

// Exchanges returns a copy of the most recent exchanges (up to 1024), oldest first.
func (s *Server) Exchanges() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Exchange(nil), s.history...)
}

// Flips returns how many upgrades the Server has accepted so far.
func (s *Server) Flips() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flips
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if s.ctx.Err() == nil {
				s.log.Debug("accept failed", "err", err)
			}
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serveConn(c)
	}
}

// serveConn reads plain HTTP requests until one upgrades or the socket ends.
func (s *Server) serveConn(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	peer := c.RemoteAddr().String()
	s.log.Debug("accepted", "peer", peer)
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && s.ctx.Err() == nil {
				s.log.Debug("read request", "peer", peer, "err", err)
			}
			return
		}
		if !s.opts.CometOnly && offersPTTH(req) {
			if _, err := io.Copy(io.Discard, io.LimitReader(req.Body, maxBody)); err != nil {
				return
			}
			s.flip(c, br, req)
			return
		}
		if !s.servePlain(c, req, peer) {
			return
		}
	}
}

// servePlain answers one request that did not upgrade: a POST is a COMET
// poll or reply, anything else is 404. It reports whether to keep the socket.
func (s *Server) servePlain(c net.Conn, req *http.Request, peer string) bool {
	body, err := readBody(req.Body)
	if err != nil {
		s.log.Debug("read body", "peer", peer, "err", err)
		return false
	}
	var (
		status = http.StatusNotFound
		header = [][2]string{{"Content-Type", "text/plain; charset=utf-8"}}
		out    = []byte("not found\n")
	)
	if req.Method == http.MethodPost {
		status, header, out = s.handleComet(req, body, peer)
	}
	if s.ctx.Err() != nil {
		return false
	}
	if req.Close {
		header = append(header, [2]string{"Connection", "close"})
	} else if !req.ProtoAtLeast(1, 1) {
		header = append(header, [2]string{"Connection", "keep-alive"})
	}
	header = append([][2]string{{"Date", time.Now().UTC().Format(http.TimeFormat)}}, header...)
	c.SetWriteDeadline(time.Now().Add(ioTimeout))
	if _, err := c.Write(formatResponse(status, header, out, false)); err != nil {
		return false
	}
	s.log.Debug("answered", "peer", peer, "method", req.Method, "uri", req.RequestURI, "status", status)
	return !req.Close
}

// flip accepts the upgrade and hands the socket to OnFlip or the built-in stream.
func (s *Server) flip(c net.Conn, br *bufio.Reader, req *http.Request) {
	s.mu.Lock()
	s.flips++
	n := s.flips
	s.mu.Unlock()
	s.log.Debug("flipped", "peer", c.RemoteAddr().String(), "conn", n, "upgrade", req.Header.Get("Upgrade"))
	fc := &FlippedConn{conn: c, br: br, upgrade: req, ctx: s.ctx}
	if s.opts.OnFlip != nil {
		c.SetWriteDeadline(time.Now().Add(ioTimeout))
		if _, err := io.WriteString(c, response101); err != nil {
			return
		}
		c.SetWriteDeadline(time.Time{})
		s.opts.OnFlip(fc)
		return
	}
	s.runStream(fc, n)
}

// record remembers e and reports it to OnExchange.
func (s *Server) record(e Exchange) {
	if len(e.Body) > 512 {
		e.Body = e.Body[:512]
	}
	s.mu.Lock()
	if len(s.history) >= historySize {
		s.history = append(s.history[:0], s.history[1:]...)
	}
	s.history = append(s.history, e)
	s.mu.Unlock()
	s.log.Debug("exchange", "via", e.Via, "kind", e.Kind, "method", e.Method, "uri", e.URI,
		"status", e.Status, "id", e.MessageID, "err", e.Err)
	if s.opts.OnExchange != nil {
		s.opts.OnExchange(e)
	}
}

// interval is the pause between reversed requests; 0 in load mode.
func (s *Server) interval() time.Duration {
	if s.opts.NoDelay {
		return 0
	}
	if s.opts.Interval > 0 {
		return s.opts.Interval
	}
	return DefaultInterval
}

// pause waits one interval; it reports false when the Server is closing.
func (s *Server) pause() bool {
	return sleepCtx(s.ctx, s.interval())
}

// checkLoopback refuses listen addresses that are not loopback.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo: %q is not a loopback address", addr)
	}
	return nil
}
