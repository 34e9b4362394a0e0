package mock

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// flipped sends the configured requests, then whatever is queued, to a
// client whose roles have flipped, reading each answer before the next. One
// goroutine owns the reader, so a client that leaves while idle is noticed.
func (s *Server) flipped(c *client, br *bufio.Reader) error {
	methods := make(chan string, 1)
	answers := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	report := func(err error) bool { // false once flipped has returned
		select {
		case answers <- err:
			return true
		case <-done:
			return false
		}
	}
	go func() {
		for {
			if _, err := br.Peek(1); err != nil {
				report(err)
				return
			}
			var method string
			select {
			case method = <-methods:
			default:
				report(fmt.Errorf("client sent %d bytes nobody asked for", br.Buffered()))
				return
			}
			resp, err := http.ReadResponse(br, &http.Request{Method: method})
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if !report(err) || err != nil {
				return
			}
		}
	}()
	send := func(req []byte) error {
		c.conn.SetWriteDeadline(time.Now().Add(s.opts.Timeout))
		methods <- methodOf(req)
		if _, err := c.conn.Write(req); err != nil {
			return err
		}
		s.update(c, func(i *ClientInfo) { i.Sent++ })
		select {
		case err := <-answers:
			if err != nil {
				return fmt.Errorf("reading the answer: %w", err)
			}
		case <-time.After(s.opts.Timeout):
			return fmt.Errorf("no answer within %v", s.opts.Timeout)
		}
		s.update(c, func(i *ClientInfo) { i.Answered++ })
		return nil
	}
	for _, req := range s.opts.Send {
		if err := send(req); err != nil {
			return err
		}
	}
	for {
		select {
		case req := <-c.outbox:
			if err := send(req); err != nil {
				return err
			}
		case err := <-answers:
			return err
		}
	}
}

func methodOf(req []byte) string {
	if i := bytes.IndexByte(req, ' '); i > 0 {
		return string(req[:i])
	}
	return "GET"
}

func offersPTTH(r *http.Request) bool {
	if r.ProtoMajor != 1 || r.ProtoMinor < 1 {
		return false
	}
	for _, v := range r.Header.Values("Upgrade") {
		for _, tok := range strings.Split(v, ",") {
			tok = strings.ToUpper(strings.TrimSpace(tok))
			if tok == "PTTH/1.0" || tok == "PTTH/0.9" {
				return true
			}
		}
	}
	return false
}

func readAll(r *http.Request) ([]byte, error) {
	defer r.Body.Close()
	return io.ReadAll(io.LimitReader(r.Body, 64<<20))
}
