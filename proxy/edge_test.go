package proxy

import (
	"slices"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// c and u build script steps from text with LF line ends turned into CRLF.
func c(text string) step {
	return step{session.FromClient, []byte(strings.ReplaceAll(text, "\n", "\r\n"))}
}
func u(text string) step {
	return step{session.FromUpstream, []byte(strings.ReplaceAll(text, "\n", "\r\n"))}
}

const offer = "POST /q HTTP/1.1\nHost: relay\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 0\n\n"
const accept = "HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n"

func TestEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		state session.State
		rows  []row
		hints []string
	}{
		{"pipelined reversed requests answered in order", []step{
			c(offer), u(accept + "GET /a HTTP/1.1\nHost:\n\nGET /b HTTP/1.1\n\n"),
			c("HTTP/1.1 200 OK\nContent-Length: 1\n\nAHTTP/1.1 404 Not Found\nContent-Length: 1\n\nB"),
		}, session.StateFlipped, []row{
			{session.Forward, session.PTTH, "POST", "/q", 101, "", ""},
			{session.Reverse, session.PTTH, "GET", "/a", 200, "A", ""},
			{session.Reverse, session.PTTH, "GET", "/b", 404, "B", ""},
		}, nil},
		{"chunked reversed request with trailer, HEAD without body", []step{
			c(offer), u(accept + "POST /e HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\nX-Sum: 1\n\n"),
			c("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n"),
			u("HEAD /h HTTP/1.1\n\n"), c("HTTP/1.1 200 OK\nContent-Length: 99\n\n"),
			u("GET /after HTTP/1.1\n\n"), c("HTTP/1.1 204 No Content\n\n"),
		}, session.StateFlipped, []row{
			{session.Forward, session.PTTH, "POST", "/q", 101, "", ""},
			{session.Reverse, session.PTTH, "POST", "/e", 200, "ok", ""},
			{session.Reverse, session.PTTH, "HEAD", "/h", 200, "", ""},
			{session.Reverse, session.PTTH, "GET", "/after", 204, "", ""},
		}, nil},
		{"101 before the offer's body has ended: the client finishes it, then answers", []step{
			c("POST /q HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nContent-Length: 4\n\nab"),
			u(accept + "GET /a HTTP/1.1\n\n"),
			c("cdHTTP/1.1 200 OK\nContent-Length: 1\n\nA"),
		}, session.StateFlipped, []row{
			{session.Forward, session.PTTH, "POST", "/q", 101, "", ""},
			{session.Reverse, session.PTTH, "GET", "/a", 200, "A", ""},
		}, nil}, // early-response is on the exchange, not the session
		{"PTTH/0.9 in a Connection list, 100 Continue first", []step{
			c("POST /q HTTP/1.1\nUpgrade: websocket, ptth/0.9\nConnection: keep-alive, Upgrade\n\n"),
			u("HTTP/1.1 100 Continue\n\nHTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/0.9\n\nGET / HTTP/1.1\n\n"),
			c("HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
		}, session.StateFlipped, []row{
			{session.Forward, session.PTTH, "POST", "/q", 101, "", ""},
			{session.Reverse, session.PTTH, "GET", "/", 200, "", ""},
		}, nil},
		{"refused with 204, client polls again on the same socket", []step{
			c(offer), u("HTTP/1.1 204 No Content\n\n"),
			c(offer), u("HTTP/1.1 307 Temporary Redirect\nLocation: http://elsewhere/q\nContent-Length: 0\n\n"),
		}, session.StateHTTP, []row{
			{session.Forward, session.PTTH, "POST", "/q", 204, "", ""},
			{session.Forward, session.PTTH, "POST", "/q", 307, "", ""},
		}, nil},
		{"upgrade on HTTP/1.0 is ignored", []step{
			c("GET / HTTP/1.0\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n"), u("HTTP/1.0 200 OK\nContent-Length: 2\n\nhi"),
		}, session.StateHTTP, []row{
			{session.Forward, session.HTTP, "GET", "/", 200, "hi", ""},
		}, []string{session.HintUpgradeOnHTTP10}},
		{"101 without PTTH upgrade tunnels", []step{
			c(offer), u("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n\x81\x05hello"), c("\x00\x01garbage"),
		}, session.StateOpaque, []row{
			{session.Forward, session.PTTH, "POST", "/q", 101, "", ""},
		}, []string{session.HintNoUpgradeOn101}},
		{"101 nobody asked for", []step{
			c("GET / HTTP/1.1\n\n"), u("HTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\nGET / HTTP/1.1\n\n"),
		}, session.StateOpaque, []row{
			{session.Forward, session.HTTP, "GET", "/", 101, "", ""},
		}, []string{session.HintUnofferedUpgrade}},
		{"garbage keeps flowing and marks the session", []step{
			c("GET / HTTP/1.1\n\n"), u("HTTP/1.1 200 OK\nContent-Length: 0\n\n"), c("\x16\x03\x01\x00\xa5binary\x00\x00"), u("\xff\xfe"),
		}, session.StateHTTP, []row{
			{session.Forward, session.HTTP, "GET", "/", 200, "", ""},
		}, []string{session.HintUnparsed}},
		{"bytes after Connection: close", []step{
			c("GET / HTTP/1.1\nConnection: close\n\nGET /again HTTP/1.1\n\n"),
			u("HTTP/1.1 200 OK\nContent-Length: 0\n\nHTTP/1.1 200 OK\nContent-Length: 0\n\n"),
		}, session.StateHTTP, []row{
			{session.Forward, session.HTTP, "GET", "/", 200, "", ""},
			{session.Forward, session.HTTP, "GET", "/again", 200, "", ""},
		}, []string{session.HintBytesAfterClose}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := play(t, tc.steps)
			checkRows(t, st, tc.rows)
			s := st.Sessions()[0]
			if s.State != tc.state {
				t.Errorf("state %v, want %v", s.State, tc.state)
			}
			for _, h := range tc.hints {
				if !slices.Contains(hintCodes(s), h) {
					t.Errorf("hints %v lack %s", hintCodes(s), h)
				}
			}
			if tc.hints == nil && len(s.Hints) > 0 {
				t.Errorf("unexpected hints %v", s.Hints)
			}
		})
	}
}

func TestUnsolicitedResponse(t *testing.T) {
	st := play(t, []step{u("HTTP/1.1 200 OK\nContent-Length: 0\n\n")})
	s := st.Sessions()[0]
	if !slices.Contains(hintCodes(s), session.HintUnsolicitedResponse) {
		t.Fatalf("hints %v", hintCodes(s))
	}
	ex := st.Exchanges(0)
	if len(ex) != 1 || ex[0].Request != nil || ex[0].Response.Status != 200 || ex[0].Error == "" {
		t.Fatalf("exchanges %+v", ex)
	}
}

func TestUpstreamUnreachable(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	r, st := startRelay(t, addr)
	got := dialAndRead(t, r.Addr(), "GET / HTTP/1.1\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 502 Bad Gateway") || !strings.Contains(got, "unreachable") {
		t.Fatalf("client got %q", got)
	}
	waitEnded(t, st, 1)
	if s := st.Sessions()[0]; !strings.Contains(s.Error, "unreachable") {
		t.Fatalf("session error %q", s.Error)
	}
}
