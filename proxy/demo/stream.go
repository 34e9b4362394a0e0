package demo

import (
	"fmt"
	"hash/crc32"
	"net/http"
	"strings"
	"time"
)

// Request kinds the built-in stream cycles through on a flipped socket.
// A "pipelined" step sends two GETs back to back before reading both answers.
var streamKinds = []string{
	"status", "event-json", "event-plist", "chunked", "pipelined", "missing", "head",
}

// cometKinds are the kinds carried as COMET events (no chunking or pipelining in JSON).
var cometKinds = []string{"status", "event-json", "event-plist", "missing", "head"}

// playStates cycle through the event bodies.
var playStates = []string{"loading", "playing", "paused", "stopped"}

// userAgent names the demo server on some of its reversed requests.
const userAgent = "ptth-inspector-demo/1.0"

// plistFormat is an AirPlay-style event body; it has LF line ends.
const plistFormat = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
<key>category</key>
<string>photo</string>
<key>sessionID</key>
<integer>%d</integer>
<key>state</key>
<string>%s</string>
</dict>
</plist>
`

// buildRequest makes the reversed request of one kind. seq numbers the
// request within its socket or COMET client, part numbers a pipelined
// request (1 or 2), peer is the client's address (used as Host the way the
// seed does) and session the X-Apple-Session-ID to echo, if any. The Host
// header varies on purpose: an address, empty (the draft) or absent (AirPlay).
func buildRequest(kind string, seq, part int, peer, session string) outReq {
	state := playStates[seq%len(playStates)]
	r := outReq{kind: kind, method: http.MethodGet}
	switch kind {
	case "status":
		r.uri = "/status"
		r.header = [][2]string{{"Host", peer}, {"Accept-Encoding", "identity"}, {"Accept", "text/plain;q=1,*/*;q=0"}}
	case "event-json":
		r.method, r.uri = http.MethodPost, "/event"
		r.header = [][2]string{{"Host", ""}, {"User-Agent", userAgent}, {"Content-Type", "application/json"}}
		r.body = fmt.Appendf(nil, `{"seq":%d,"category":"video","state":%q,"position":%.1f}`, seq, state, float64(seq)*1.5)
	case "event-plist":
		r.method, r.uri = http.MethodPost, "/event"
		r.header = [][2]string{{"Content-Type", "text/x-apple-plist+xml"}}
		r.body = fmt.Appendf(nil, plistFormat, 30+seq, state)
	case "chunked":
		r.method, r.uri = http.MethodPost, "/upload"
		r.chunks = []string{"temperature=21.5\n", "humidity=40\n", fmt.Sprintf("seq=%d\n", seq)}
		sum := crc32.ChecksumIEEE([]byte(strings.Join(r.chunks, "")))
		r.header = [][2]string{{"Host", ""}, {"Content-Type", "text/plain"},
			{"Transfer-Encoding", "chunked"}, {"Trailer", "X-Checksum"}}
		r.trailer = [][2]string{{"X-Checksum", fmt.Sprintf("%08x", sum)}}
	case "pipelined":
		r.uri = fmt.Sprintf("/status?n=%d", part)
		r.header = [][2]string{{"Host", ""}, {"Accept", "text/plain"}}
	case "missing":
		r.uri = "/missing"
		r.header = [][2]string{{"Host", peer}, {"User-Agent", userAgent}}
	case "head":
		r.method, r.uri = http.MethodHead, "/status"
		r.header = [][2]string{{"Host", peer}}
	default:
		panic("demo: unknown request kind " + kind)
	}
	if session != "" {
		r.header = append(r.header, [2]string{"X-Apple-Session-ID", session})
	}
	return r
}

// runStream sends the built-in stream of reversed requests on fc and reads
// the answers until Count is reached, the peer closes or the Server closes.
// The 101 goes out in the same write as the first request, so the first
// reversed request shares a segment with the switch.
func (s *Server) runStream(fc *FlippedConn, conn int) {
	peer := fc.conn.RemoteAddr().String()
	session := fc.upgrade.Header.Get("X-Apple-Session-ID")
	prefix := []byte(response101)
	sent := 0
	for step := 0; ; step++ {
		if step > 0 && !s.pause() {
			return
		}
		kind := streamKinds[step%len(streamKinds)]
		n := 1
		if kind == "pipelined" {
			n = 2
		}
		if c := s.opts.Count; c > 0 && n > c-sent {
			n = c - sent
		}
		reqs := make([]outReq, n)
		wire := prefix
		prefix = nil
		for i := range reqs {
			reqs[i] = buildRequest(kind, sent+i+1, i+1, peer, session)
			if c := s.opts.Count; c > 0 && sent+i+1 == c {
				reqs[i].header = append(reqs[i].header, [2]string{"Connection", "close"})
			}
			wire = append(wire, reqs[i].bytes()...)
		}
		fc.conn.SetDeadline(time.Now().Add(ioTimeout))
		if _, err := fc.conn.Write(wire); err != nil {
			s.streamFailed(conn, peer, reqs[0], err)
			return
		}
		closing := false
		for _, r := range reqs {
			resp, body, err := fc.readAnswer(r.method)
			if err != nil {
				s.streamFailed(conn, peer, r, err)
				return
			}
			s.record(Exchange{Via: "ptth", Conn: conn, Client: peer, Kind: r.kind, Method: r.method,
				URI: r.uri, Status: resp.StatusCode, Body: string(body)})
			closing = closing || resp.Close
		}
		sent += n
		if closing || (s.opts.Count > 0 && sent >= s.opts.Count) {
			s.log.Debug("stream done", "conn", conn, "sent", sent)
			return
		}
	}
}

// streamFailed records a failed exchange unless the Server is closing.
func (s *Server) streamFailed(conn int, peer string, r outReq, err error) {
	if s.ctx.Err() != nil {
		return
	}
	s.record(Exchange{Via: "ptth", Conn: conn, Client: peer, Kind: r.kind, Method: r.method, URI: r.uri, Err: err})
}
