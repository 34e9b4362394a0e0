package mock

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"ptth-inspector/proxy/comet"
	"ptth-inspector/session/edit"
)

// comet answers one COMET POST: a reply (or replies) gets {}, a poll gets
// the client's next event, or 204 when none comes within PollWait.
func (s *Server) comet(c *client, body []byte) error {
	if d, err := comet.Decode(body); err == nil && d.OK && len(d.Replies) > 0 {
		s.update(c, func(i *ClientInfo) { i.Comet = true; i.Answered += len(d.Replies) })
		return writeJSON(c, []byte("{}"))
	}
	s.mu.Lock()
	if !c.info.Comet {
		c.info.Comet = true
		c.queue = append([][]byte(nil), s.opts.Send...)
	}
	var next []byte
	if len(c.queue) > 0 {
		next, c.queue = c.queue[0], c.queue[1:]
	}
	s.mu.Unlock()
	if next == nil {
		select {
		case next = <-s.events:
		case <-s.done:
			return nil
		case <-time.After(s.opts.PollWait):
			_, err := fmt.Fprint(c.conn, "HTTP/1.1 204 No Content\r\n\r\n")
			return err
		}
	}
	ev, err := eventOf(next, c)
	if err != nil {
		return err
	}
	s.update(c, func(i *ClientInfo) { i.Sent++ })
	return writeJSON(c, comet.EncodeEvent(ev))
}

var eventSeq atomic.Int64

// eventOf wraps raw request bytes as a COMET event with a fresh message-id.
func eventOf(raw []byte, c *client) (comet.Event, error) {
	req, err := edit.Parse(raw)
	if err != nil {
		return comet.Event{}, fmt.Errorf("request to send as a COMET event: %w", err)
	}
	id := "mock-" + strconv.Itoa(c.info.ID) + "-" + strconv.FormatInt(eventSeq.Add(1), 10)
	return comet.EventFromRequest(req.Message(), id)
}

func writeJSON(c *client, body []byte) error {
	_, err := fmt.Fprintf(c.conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	return err
}
