package demo

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"time"
)

// FlippedConn is an upgraded socket on which the Server now acts as the HTTP
// client; ServerOptions.OnFlip receives it after the 101 has been sent.
type FlippedConn struct {
	conn    net.Conn
	br      *bufio.Reader
	upgrade *http.Request
	ctx     context.Context
}

// Context is done when the Server is closing.
func (f *FlippedConn) Context() context.Context { return f.ctx }

// Upgrade returns the client's upgrade request (its body already consumed).
func (f *FlippedConn) Upgrade() *http.Request { return f.upgrade }

// RemoteAddr returns the client's address.
func (f *FlippedConn) RemoteAddr() net.Addr { return f.conn.RemoteAddr() }

// Write sends raw request bytes, e.g. from RequestBytes; several requests
// in one Write are pipelined.
func (f *FlippedConn) Write(p []byte) (int, error) { return f.conn.Write(p) }

// Read reads raw bytes from the client, starting with any already buffered.
func (f *FlippedConn) Read(p []byte) (int, error) { return f.br.Read(p) }

// SetDeadline sets the socket's read and write deadline.
func (f *FlippedConn) SetDeadline(t time.Time) error { return f.conn.SetDeadline(t) }

// ReadResponse reads the next answer in FIFO order; method is the method of
// the request it answers (HEAD answers have no body). The caller must read
// the body to its end before reading the next answer.
func (f *FlippedConn) ReadResponse(method string) (*http.Response, error) {
	return http.ReadResponse(f.br, &http.Request{Method: method})
}

// Discard reads the next answer, throws its body away and returns its status.
func (f *FlippedConn) Discard(method string) (int, error) {
	resp, err := f.ReadResponse(method)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

// readAnswer reads the next answer and its whole body.
func (f *FlippedConn) readAnswer(method string) (*http.Response, []byte, error) {
	resp, err := f.ReadResponse(method)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	return resp, body, err
}
