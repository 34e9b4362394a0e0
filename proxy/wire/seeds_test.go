package wire

import (
	"os"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

// seg is the bytes one peer sent in one read: client (">") or upstream ("<").
type seg struct {
	up bool
	b  string
}

// The seed transcripts' wire bytes, one seg per transcript block. Lines end
// in CRLF except inside the AirPlay plist body (LF); the seed's client sends
// an empty line after its last response.
var seeds = map[string][]seg{
	"seed-upgrade.transcript": {
		{false, crlfs("POST / HTTP/1.1\nHost: localhost:9999\nAccept-Encoding: identity\nUpgrade: PTTH/1.0\n\n")},
		{true, crlfs("HTTP/1.1 101 Switching Protocols\nContent-type: text/plain\nUpgrade: PTTH/1.0\n" +
			"Date: Tue, 13 May 2008 20:14:45 GMT\nContent-Length: 0\n\n" +
			"GET / HTTP/1.1\nHost: 127.0.0.1:65331\nAccept-Encoding: identity\naccept: text/plain;q=1,*/*;q=0\n\n")},
		{false, crlfs("HTTP/1.1 200 OK\nContent-type: text/plain\nDate: Tue, 13 May 2008 20:14:45 GMT\nContent-Length: 15\n\n" +
			"rdlrow ,olleH\n\n")},
	},
	"seed-comet.transcript": {
		{false, crlfs("POST / HTTP/1.1\nHost: localhost:9999\nAccept-Encoding: identity\nUpgrade: PTTH/1.0\n\n")},
		{true, crlfs("HTTP/1.1 200 OK\nContent-type: application/json\nDate: Tue, 13 May 2008 20:14:45 GMT\nContent-Length: 210\n\n") +
			`{'message-id': 'xxx', 'method': 'GET', 'request-uri': '/', 'http-version': 'PTTH/1.0', 'headers': [['Host', '127.0.0.1:65331'], ['Accept-Encoding', 'identity'], ['Accept','text/plain;q=1,*/*;q=0']], 'body': ''}`},
		{false, crlfs("POST / HTTP/1.1\nHost: localhost:9999\nAccept-Encoding: identity\nContent-type: application/json\nContent-length: 193\n\n") +
			`{'message-id': 'xxx', 'http-version': 'PTTH/1.0', 'status': 200, 'reason': 'OK', 'headers': [['Content-type', 'text/plain'], ['Date', 'Tue, 13 May 2008 20:14:45 GMT']], 'body': 'rdlrow ,olleH'}`},
		{true, crlfs("HTTP/1.1 200 OK\nContent-type: application/json\nDate: Tue, 13 May 2008 20:14:45 GMT\nContent-Length: 2\n\n") + "{}"},
	},
	"airplay-reverse.transcript": {
		{false, crlfs("POST /reverse HTTP/1.1\nUpgrade: PTTH/1.0\nConnection: Upgrade\nX-Apple-Purpose: event\nContent-Length: 0\n" +
			"User-Agent: MediaControl/1.0\nX-Apple-Session-ID: 1bd6ceeb-fffd-456c-a09c-996053a7a08c\n\n")},
		{true, crlfs("HTTP/1.1 101 Switching Protocols\nDate: Thu, 23 Feb 2012 17:33:41 GMT\nUpgrade: PTTH/1.0\nConnection: Upgrade\n\n"+
			"POST /event HTTP/1.1\nContent-Type: text/x-apple-plist+xml\nContent-Length: 316\n"+
			"X-Apple-Session-ID: 1bd6ceeb-fffd-456c-a09c-996053a7a08c\n\n") + plist},
		{false, crlfs("HTTP/1.1 200 OK\nContent-Length: 0\n\n")},
	},
}

const plist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
<key>category</key>
<string>photo</string>
<key>sessionID</key>
<integer>38</integer>
<key>state</key>
<string>stopped</string>
</dict>
</plist>
`

// render writes segs in transcript notation (all bytes here are printable).
func render(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		mark := ">"
		if s.up {
			mark = "<"
		}
		for line := range strings.Lines(s.b) {
			b.WriteString(mark + strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r") + "\n")
		}
	}
	return b.String()
}

func TestSeedsMatchTranscripts(t *testing.T) {
	for name, segs := range seeds {
		want, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if got := render(segs); got != string(want) {
			t.Errorf("%s: the test's wire bytes render as\n%s\nwant\n%s", name, got, want)
		}
	}
	if len(plist) != 316 {
		t.Errorf("plist body is %d bytes, want 316", len(plist))
	}
}

// conn plays the connection-level dissector: it pauses the client after a
// PTTH offer and flips both readers on a 101.
type conn struct {
	rd   [2]*Reader // client, upstream
	log  []string   // "> start line" for each message, in order
	msgs []*session.Message
	flip int64 // upstream offset of the first reversed byte
}

func newConn() *conn {
	c := &conn{}
	c.rd[0] = NewReader(Requests, &connSide{c, false}, Limits{})
	c.rd[1] = NewReader(Responses, &connSide{c, true}, Limits{})
	return c
}

type connSide struct {
	c  *conn
	up bool
}

func (s *connSide) NoBody(*session.Message) bool { return false }
func (s *connSide) Incomplete(m *session.Message, err error) {
	s.c.log = append(s.c.log, "incomplete "+m.StartLine()+": "+err.Error())
}
func (s *connSide) Broken(off int64, err error) { s.c.log = append(s.c.log, "broken: "+err.Error()) }
func (s *connSide) Message(m *session.Message) {
	c, mark := s.c, ">"
	if s.up {
		mark = "<"
	}
	c.log = append(c.log, mark+" "+m.StartLine())
	c.msgs = append(c.msgs, m)
	switch {
	case !s.up && m.IsRequest() && m.Header("Upgrade") != "":
		c.rd[0].Pause()
	case s.up && m.Status == 101:
		c.flip = c.rd[1].Offset()
		c.rd[1].SetKind(Requests)
		c.rd[0].SetKind(Responses)
		c.rd[0].Resume(m.Last)
	case s.up && !m.IsRequest():
		c.rd[0].Resume(m.Last)
	}
}

// play feeds segs to a conn, n bytes at a time (all at once when n is 0),
// one second apart per seg.
func play(segs []seg, n int) *conn {
	c := newConn()
	for i, s := range segs {
		r := c.rd[0]
		if s.up {
			r = c.rd[1]
		}
		at := t0.Add(time.Duration(i) * time.Second)
		for b := []byte(s.b); len(b) > 0; {
			k := len(b)
			if n > 0 {
				k = min(n, k)
			}
			r.Feed(b[:k], at)
			b = b[k:]
		}
	}
	c.rd[0].Close(t0.Add(time.Minute))
	c.rd[1].Close(t0.Add(time.Minute))
	return c
}

func TestSeeds(t *testing.T) {
	wantLog := map[string][]string{
		"seed-upgrade.transcript":    {"> POST / HTTP/1.1", "< HTTP/1.1 101 Switching Protocols", "< GET / HTTP/1.1", "> HTTP/1.1 200 OK"},
		"seed-comet.transcript":      {"> POST / HTTP/1.1", "< HTTP/1.1 200 OK", "> POST / HTTP/1.1", "< HTTP/1.1 200 OK"},
		"airplay-reverse.transcript": {"> POST /reverse HTTP/1.1", "< HTTP/1.1 101 Switching Protocols", "< POST /event HTTP/1.1", "> HTTP/1.1 200 OK"},
	}
	for name, segs := range seeds {
		c := play(segs, 0)
		if strings.Join(c.log, "\n") != strings.Join(wantLog[name], "\n") {
			t.Errorf("%s: got\n%s\nwant\n%s", name, strings.Join(c.log, "\n"), strings.Join(wantLog[name], "\n"))
			continue
		}
		for _, n := range []int{1, 2, 5, 13} { // pieces keep the times of their segment
			if d := play(segs, n); strings.Join(d.log, "\n") != strings.Join(c.log, "\n") || !sameMessages(c.msgs, d.msgs) {
				t.Errorf("%s fed %d bytes at a time: %v", name, n, d.log)
			}
		}
		// Every message is its segment's bytes, in order, byte for byte.
		var all [2][]byte
		for _, s := range segs {
			all[b2i(s.up)] = append(all[b2i(s.up)], s.b...)
		}
		var got [2][]byte
		for i, m := range c.msgs {
			side := b2i(strings.HasPrefix(c.log[i], "<"))
			got[side] = append(got[side], m.Raw...)
		}
		for side := range 2 {
			g := string(got[side])
			if side == 0 && name == "seed-upgrade.transcript" {
				g += "\r\n" // the empty line after the last response belongs to no message
			}
			if g != string(all[side]) {
				t.Errorf("%s side %d: the messages' Raw are\n%q\nnot the stream\n%q", name, side, g, all[side])
			}
		}
		checkSeed(t, name, c)
	}
}

// checkSeed asserts what each seed exchange must show.
func checkSeed(t *testing.T, name string, c *conn) {
	m := c.msgs
	body := func(i int) string { b, _ := m[i].Body(); return string(b) }
	switch name {
	case "seed-upgrade.transcript":
		if c.flip != int64(m[1].HeadLen) || m[1].BodyLen != 0 || m[1].Header("Content-Length") != "0" {
			t.Errorf("101: flip at %d, HeadLen %d, BodyLen %d", c.flip, m[1].HeadLen, m[1].BodyLen)
		}
		if m[2].Headers[2] != (session.Header{Name: "accept", Value: "text/plain;q=1,*/*;q=0"}) || !m[2].First.Equal(t0.Add(time.Second)) {
			t.Errorf("reversed GET: headers %q, First %v", m[2].Headers, m[2].First)
		}
		if body(3) != "rdlrow ,olleH\r\n" || m[3].BodyLen != 15 || !m[3].First.Equal(t0.Add(2*time.Second)) {
			t.Errorf("reversed response: body %q", body(3))
		}
	case "seed-comet.transcript":
		if m[1].BodyLen != 210 || !strings.HasPrefix(body(1), "{'message-id': 'xxx', 'method': 'GET'") || m[3].BodyLen != 2 || body(3) != "{}" {
			t.Errorf("COMET event %q / ack %q", body(1), body(3))
		}
		if m[2].Header("content-length") != "193" || m[2].Headers[3].Name != "Content-length" || !strings.HasSuffix(body(2), "'body': 'rdlrow ,olleH'}") {
			t.Errorf("COMET reply: headers %q body %q", m[2].Headers, body(2))
		}
	case "airplay-reverse.transcript":
		if body(2) != plist || m[2].BodyLen != 316 || m[2].Header("Host") != "" || c.flip != int64(m[1].HeadLen) {
			t.Errorf("AirPlay event: body %q (%d), flip at %d", body(2), m[2].BodyLen, c.flip)
		}
		if m[0].BodyLen != 0 || m[3].Status != 200 || m[3].BodyLen != 0 {
			t.Errorf("AirPlay offer/answer: %d, %d %d", m[0].BodyLen, m[3].Status, m[3].BodyLen)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sameMessages(a, b []*session.Message) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i].Raw) != string(b[i].Raw) || a[i].StartLine() != b[i].StartLine() || a[i].BodyLen != b[i].BodyLen {
			return false
		}
	}
	return true
}
