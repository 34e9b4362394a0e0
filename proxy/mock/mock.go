// Package mock is a mock PTTH server: it accepts (or refuses) upgrades,
// serves COMET polls, and sends the requests it is given to every client
// that flips or polls. In --server mode it stands behind the relay in place
// of an upstream, so everything it does is captured like real traffic.
package mock

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Mode says how the server answers an upgrade offer.
type Mode int

// Upgrade modes.
const (
	Accept Mode = iota // 101 Switching Protocols, then send requests
	Refuse             // 403, the connection stays plain HTTP
	Comet              // ignore the offer and serve the client as a COMET poller
)

// ParseMode reads "accept", "refuse" or "comet".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "accept", "":
		return Accept, nil
	case "refuse":
		return Refuse, nil
	case "comet":
		return Comet, nil
	}
	return 0, fmt.Errorf("unknown upgrade mode %q (want accept, refuse or comet)", s)
}

// DefaultUnsolicited answers requests that are neither an upgrade nor a poll.
const DefaultUnsolicited = "HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: 47\r\n\r\nPTTH Inspector mock server: nothing served here"

// Options configure a Server.
type Options struct {
	Mode        Mode
	Send        [][]byte      // requests sent in order to every client that flips or polls
	Unsolicited []byte        // the answer to anything else; DefaultUnsolicited when nil
	PollWait    time.Duration // how long a COMET poll waits for an event before 204 (default 15 s)
	Timeout     time.Duration // how long to wait for a client's answer (default 30 s)
}

// ClientInfo describes one connected client as the server sees it.
type ClientInfo struct {
	ID       int
	Remote   string
	Flipped  bool
	Comet    bool
	Sent     int // requests sent (flipped) or events delivered (COMET)
	Answered int
}

// Server is a running mock PTTH server.
type Server struct {
	opts    Options
	ln      net.Listener
	mu      sync.Mutex
	nextID  int
	clients map[int]*client
	events  chan []byte // requests for the next COMET poll of any client
	wg      sync.WaitGroup
	closed  bool
	done    chan struct{} // closed by Close
}

type client struct {
	info   ClientInfo
	conn   net.Conn
	outbox chan []byte
	queue  [][]byte // COMET: events still to deliver
}

// Start listens on addr and serves clients until Close.
func Start(addr string, o Options) (*Server, error) {
	if o.Unsolicited == nil {
		o.Unsolicited = []byte(DefaultUnsolicited)
	}
	if o.PollWait == 0 {
		o.PollWait = 15 * time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mock server: %w", err)
	}
	s := &Server{opts: o, ln: ln, clients: map[int]*client{}, events: make(chan []byte, 256), done: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr returns the listening address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server and drops every client.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.closed {
		close(s.done)
	}
	s.closed = true
	for _, c := range s.clients {
		c.conn.Close()
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// Clients lists the connected clients.
func (s *Server) Clients() []ClientInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ClientInfo, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, c.info)
	}
	return out
}

// ErrNoClient says no client with that id is connected and flipped.
var ErrNoClient = errors.New("no such flipped client")

// Send queues a request for a flipped client.
func (s *Server) Send(id int, req []byte) error {
	s.mu.Lock()
	c := s.clients[id]
	flipped := c != nil && c.info.Flipped
	s.mu.Unlock()
	if !flipped {
		return ErrNoClient
	}
	select {
	case c.outbox <- req:
		return nil
	default:
		return errors.New("client's queue is full")
	}
}

// QueueEvent hands a request to the next COMET poll of any client, as an event.
func (s *Server) QueueEvent(req []byte) error {
	select {
	case s.events <- req:
		return nil
	default:
		return errors.New("COMET event queue is full")
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.nextID++
		c := &client{info: ClientInfo{ID: s.nextID, Remote: conn.RemoteAddr().String()}, conn: conn, outbox: make(chan []byte, 64)}
		s.clients[c.info.ID] = c
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.drop(c)
			if err := s.serve(c); err != nil {
				slog.Debug("mock server: client done", "client", c.info.Remote, "err", err)
			}
		}()
	}
}

func (s *Server) drop(c *client) {
	c.conn.Close()
	s.mu.Lock()
	delete(s.clients, c.info.ID)
	s.mu.Unlock()
}

func (s *Server) update(c *client, f func(*ClientInfo)) {
	s.mu.Lock()
	f(&c.info)
	s.mu.Unlock()
}

// serve answers a client's requests until it upgrades or leaves.
func (s *Server) serve(c *client) error {
	br := bufio.NewReader(c.conn)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return err
		}
		body, err := readAll(req)
		if err != nil {
			return err
		}
		switch {
		case offersPTTH(req) && s.opts.Mode == Accept:
			if _, err := fmt.Fprint(c.conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: PTTH/1.0\r\nConnection: Upgrade\r\n\r\n"); err != nil {
				return err
			}
			s.update(c, func(i *ClientInfo) { i.Flipped = true })
			return s.flipped(c, br)
		case offersPTTH(req) && s.opts.Mode == Refuse:
			msg := "upgrade refused by the PTTH Inspector mock server\n"
			if _, err := fmt.Fprintf(c.conn, "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(msg), msg); err != nil {
				return err
			}
		case req.Method == http.MethodPost:
			if err := s.comet(c, body); err != nil {
				return err
			}
		default:
			if _, err := c.conn.Write(s.opts.Unsolicited); err != nil {
				return err
			}
		}
	}
}
