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
	"slices"
	"time"
)

// ClientOptions configures RunClient; the zero value is a sensible demo.
type ClientOptions struct {
	// Reconnect is the pause before reconnecting after the socket closes or
	// a dial or upgrade fails; 0 means DefaultReconnect, negative means at once
	// (like the npm reverse-http client).
	Reconnect time.Duration
	// Body, if > 0, makes every 200 answer exactly Body bytes long (HEAD
	// answers announce that length); for benchmarks.
	Body int
	// Path is the upgrade request's path; "" means "/reverse".
	Path string
	// SessionID is sent as X-Apple-Session-ID; "" means a random UUID.
	SessionID string
	// Logger receives Debug-level logs; nil means slog.Default().
	Logger *slog.Logger
}

// RunClient is a PTTH client: it dials addr, upgrades with POST /reverse
// (AirPlay style) and answers the reversed requests until the socket
// closes, then reconnects after a pause, until ctx is done. It returns
// ctx.Err(), or an error at once if addr is not host:port.
func RunClient(ctx context.Context, addr string, opts ClientOptions) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return err
	}
	if opts.Path == "" {
		opts.Path = "/reverse"
	}
	if opts.SessionID == "" {
		opts.SessionID = newUUID()
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg = lg.With("component", "demo-client", "session", opts.SessionID)
	a := newAnswerer(opts.Body)
	return keepConnected(ctx, opts.Reconnect, lg, func() error { return clientSession(ctx, addr, opts, a, lg) })
}

// keepConnected runs session again each time it ends, pausing reconnect
// (see reconnectPause) in between, until ctx is done; it returns ctx.Err().
func keepConnected(ctx context.Context, reconnect time.Duration, lg *slog.Logger, session func() error) error {
	for {
		err := session()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lg.Debug("session ended", "err", err)
		if !sleepCtx(ctx, reconnectPause(reconnect)) {
			return ctx.Err()
		}
	}
}

// dialSession dials addr for one session: the connection closes when ctx
// is done; release stops that and closes it.
func dialSession(ctx context.Context, addr string) (conn net.Conn, br *bufio.Reader, release func(), err error) {
	conn, err = dialCtx(ctx, addr)
	if err != nil {
		return nil, nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return conn, bufio.NewReader(conn), func() { stop(); conn.Close() }, nil
}

// clientSession runs one connection: upgrade, then answer reversed requests.
func clientSession(ctx context.Context, addr string, opts ClientOptions, a *answerer, lg *slog.Logger) error {
	conn, br, release, err := dialSession(ctx, addr)
	if err != nil {
		return err
	}
	defer release()
	upgrade := RequestBytes(http.MethodPost, opts.Path, [][2]string{
		{"Host", addr},
		{"Upgrade", "PTTH/1.0"},
		{"Connection", "Upgrade"},
		{"X-Apple-Purpose", "event"},
		{"Content-Length", "0"},
		{"User-Agent", "MediaControl/1.0"},
		{"X-Apple-Session-ID", opts.SessionID},
	}, nil)
	for {
		if _, err := conn.Write(upgrade); err != nil {
			return err
		}
		resp, err := readFinalResponse(br, http.MethodPost)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			if !hasToken(resp.Header, "Upgrade", "PTTH/1.0") {
				lg.Debug("101 without Upgrade: PTTH/1.0", "upgrade", resp.Header.Get("Upgrade"))
			}
			break
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusNoContent || resp.Close {
			return fmt.Errorf("demo: upgrade refused: %s", resp.Status)
		}
		lg.Debug("204, re-posting on the same socket")
	}
	lg.Debug("flipped", "addr", addr)
	return serveReversed(conn, br, a, lg)
}

// serveReversed answers reversed requests in order until the socket ends
// or a request says Connection: close; a clean close returns nil.
func serveReversed(conn net.Conn, br *bufio.Reader, a *answerer, lg *slog.Logger) error {
	bw := bufio.NewWriter(conn)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		body, err := readBody(req.Body)
		req.Body.Close()
		if err != nil {
			return err
		}
		chunked := slices.Contains(req.TransferEncoding, "chunked")
		ans := a.answer(req.Method, req.RequestURI, body, chunked)
		lg.Debug("answering", "method", req.Method, "uri", req.RequestURI, "status", ans.status,
			"trailer", req.Trailer.Get("X-Checksum"))
		if _, err := bw.Write(ans.bytes(req.Close)); err != nil {
			return err
		}
		// Flush once no pipelined request is waiting, so answers to a
		// back-to-back burst leave together.
		if req.Close || br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		if req.Close {
			return nil
		}
	}
}

// readFinalResponse reads a response, skipping interim 1xx answers other than 101.
func readFinalResponse(br *bufio.Reader, method string) (*http.Response, error) {
	for {
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
	}
}

// dialCtx dials addr over TCP, giving up when ctx ends.
func dialCtx(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// reconnectPause returns d, or DefaultReconnect when d is 0.
func reconnectPause(d time.Duration) time.Duration {
	if d == 0 {
		return DefaultReconnect
	}
	return d
}
