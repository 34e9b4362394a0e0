package synth

import (
	"bytes"
	"os"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
)

// SpooledBody writes a one-session capture of two exchanges: GET /big
// answered 200 with a 70 000-byte body that is left in the chunk records it
// crossed in (as the relay stores a message over 64 KiB), then GET /big
// again answered 204. With damaged, one byte of that body is then changed
// on disk, inside its second chunk record, so the record's CRC no longer
// matches.
func SpooledBody(path string, damaged bool) error {
	w, err := capture.Create(path)
	if err != nil {
		return err
	}
	t0 := Start
	get := []byte("GET /big HTTP/1.1\r\nHost: up\r\n\r\n")
	head := "HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n"
	resp := append([]byte(head), bytes.Repeat([]byte("b"), 70000)...)
	req := &session.Message{Method: "GET", Target: "/big", Proto: "HTTP/1.1", Raw: get, HeadLen: len(get), First: t0, Last: t0}
	noContent := []byte("HTTP/1.1 204 No Content\r\n\r\n")
	small := &session.Message{Proto: "HTTP/1.1", Status: 204, Reason: "No Content", Raw: noContent, HeadLen: len(noContent), First: t0, Last: t0}
	steps := []func() error{
		func() error {
			return w.Session(&session.Session{ID: "s1", Client: "10.0.0.1:5000", Upstream: "up:80", Started: t0})
		},
		func() error { return w.Chunk("s1", session.FromClient, t0, get) },
		func() error { return w.Chunk("s1", session.FromUpstream, t0, resp[:40000]) },
		func() error {
			run := w.Spool("s1", session.FromUpstream, 0)
			if err := w.Chunk("s1", session.FromUpstream, t0, resp[40000:]); err != nil {
				return err
			}
			big := &session.Message{Proto: "HTTP/1.1", Status: 200, Reason: "OK", HeadLen: len(head), BodyLen: 70000,
				Ref: &session.RawRef{R: run, Len: int64(len(resp))}, First: t0, Last: t0}
			return w.Exchange(&session.Exchange{ID: "x1", Session: "s1", Seq: 1, Request: req, Response: big})
		},
		func() error {
			return w.Exchange(&session.Exchange{ID: "x2", Session: "s1", Seq: 2, Request: req, Response: small})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil || !damaged {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	data[bytes.LastIndex(data, []byte("bbbb"))] = 'X' // inside the second chunk record
	return os.WriteFile(path, data, 0o600)
}
