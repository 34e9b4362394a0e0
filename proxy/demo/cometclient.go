package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// CometOptions configures RunCometClient; the zero value is a sensible demo.
type CometOptions struct {
	// Reconnect is the pause before reconnecting after an error or a closed
	// socket; 0 means DefaultReconnect, negative means at once.
	Reconnect time.Duration
	// Body, if > 0, makes every 200 reply body exactly Body bytes long.
	Body int
	// Path is the poll URL; "" means "/".
	Path string
	// ClientID is sent as X-Comet-Client on every poll; "" means a random UUID.
	ClientID string
	// OfferUpgrade adds Upgrade: PTTH/1.0 to polls, like the 2008 seed: a 101
	// turns the socket into a PTTH session served like RunClient, a 200 JSON
	// event falls back to COMET.
	OfferUpgrade bool
	// Logger receives Debug-level logs; nil means slog.Default().
	Logger *slog.Logger
}

// RunCometClient is a COMET client: it polls addr with POSTs, executes each
// JSON event locally (same answers as RunClient), POSTs the JSON reply,
// expects {} and polls again, reconnecting after errors until ctx is done.
// It returns ctx.Err(), or an error at once if addr is not host:port.
func RunCometClient(ctx context.Context, addr string, opts CometOptions) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return err
	}
	if opts.Path == "" {
		opts.Path = "/"
	}
	if opts.ClientID == "" {
		opts.ClientID = newUUID()
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg = lg.With("component", "demo-comet-client", "client", opts.ClientID)
	a := newAnswerer(opts.Body)
	return keepConnected(ctx, opts.Reconnect, lg, func() error { return cometSession(ctx, addr, opts, a, lg) })
}

// cometSession polls and replies on one connection until it fails or closes.
func cometSession(ctx context.Context, addr string, opts CometOptions, a *answerer, lg *slog.Logger) error {
	conn, br, release, err := dialSession(ctx, addr)
	if err != nil {
		return err
	}
	defer release()
	base := [][2]string{{"Host", addr}, {"Accept-Encoding", "identity"}, {CometClientHeader, opts.ClientID}}
	var queue []Event
	for {
		var wire []byte
		polling := len(queue) == 0
		if polling {
			h := base
			if opts.OfferUpgrade {
				h = append(h[:len(h):len(h)], [2]string{"Upgrade", "PTTH/1.0"})
			}
			wire = RequestBytes(http.MethodPost, opts.Path, h, nil)
		} else {
			ev := queue[0]
			queue = queue[1:]
			ans := a.answer(ev.Method, ev.RequestURI, []byte(ev.Body), eventChunked(ev))
			lg.Debug("replying", "id", ev.MessageID, "method", ev.Method, "uri", ev.RequestURI, "status", ans.status)
			h := append(base[:len(base):len(base)], [2]string{"Content-Type", "application/json"})
			wire = RequestBytes(http.MethodPost, opts.Path, h, marshalJSON(ans.reply(ev.MessageID)))
		}
		if _, err := conn.Write(wire); err != nil {
			return err
		}
		resp, err := readFinalResponse(br, http.MethodPost)
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			if polling && opts.OfferUpgrade {
				lg.Debug("upgrade accepted, serving PTTH")
				return serveReversed(conn, br, a, lg)
			}
			return errors.New("demo: 101 to a request that offered no upgrade")
		}
		body, err := readBody(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		switch resp.StatusCode {
		case http.StatusOK:
			evs, err := parseEvents(body)
			if err != nil {
				return err
			}
			queue = append(queue, evs...)
		case http.StatusNoContent:
		default:
			return fmt.Errorf("demo: poll answered %s", resp.Status)
		}
		if resp.Close {
			return nil
		}
	}
}

// parseEvents decodes a poll answer: one event object, an array of events,
// or an empty answer ("", {} or []) carrying none.
func parseEvents(body []byte) ([]Event, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil
	}
	var evs []Event
	if body[0] == '[' {
		if err := json.Unmarshal(body, &evs); err != nil {
			return nil, fmt.Errorf("demo: bad event array: %w", err)
		}
	} else {
		var ev Event
		if err := json.Unmarshal(body, &ev); err != nil {
			return nil, fmt.Errorf("demo: bad event: %w", err)
		}
		if ev.MessageID == "" && ev.Method == "" {
			return nil, nil // {} acknowledges a reply
		}
		evs = []Event{ev}
	}
	for _, ev := range evs {
		if ev.MessageID == "" || ev.Method == "" {
			return nil, fmt.Errorf("demo: event without message-id or method: %s", body)
		}
	}
	return evs, nil
}

// eventChunked reports whether an event's headers say its body was chunked.
func eventChunked(ev Event) bool {
	for _, h := range ev.Headers {
		if strings.EqualFold(h[0], "Transfer-Encoding") && strings.Contains(strings.ToLower(h[1]), "chunked") {
			return true
		}
	}
	return false
}
