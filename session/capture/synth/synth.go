// Package synth writes synthetic capture files shaped like the relay's: PTTH
// sessions of small reversed GETs and POSTs, a few COMET sessions, a few
// hints, every exchange recorded pending and then complete, as the relay
// does (the writer drops a pending record answered before it flushes),
// with the chunks that carried it. Benchmarks and tests open them as the
// window does.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
)

// PerSession is how many exchanges a generated session holds.
const PerSession = 200

// Start is when the first generated session begins.
var Start = time.Date(2024, 5, 13, 20, 14, 45, 0, time.UTC)

// Options shape a generated capture.
type Options struct {
	Exchanges  int  // how many exchanges in all
	CometEvery int  // every CometEvery-th session is a COMET poller; 0: 50
	NoChunks   bool // leave the chunk records out (a smaller file)
}

// Write creates path and fills it with o.Exchanges exchanges.
func Write(path string, o Options) error {
	w, err := capture.Create(path)
	if err != nil {
		return err
	}
	g := &gen{w: w, o: o, rnd: rand.New(rand.NewPCG(1, 2))}
	if g.o.CometEvery <= 0 {
		g.o.CometEvery = 50
	}
	for g.n < o.Exchanges && g.err == nil {
		g.session(min(PerSession, o.Exchanges-g.n))
	}
	if err := w.Close(); g.err == nil {
		g.err = err
	}
	return g.err
}

// gen is the state of one Write.
type gen struct {
	w      *capture.Writer
	o      Options
	rnd    *rand.Rand
	n      int // exchanges written
	ns     int // sessions written
	err    error
	s      *session.Session
	devID  string // this session's X-Apple-Session-ID value
	offset int64  // upstream bytes so far
}

// UUID returns a random version-4 UUID drawn from r.
func UUID(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *gen) now() time.Time { return Start.Add(time.Duration(g.n) * 5 * time.Millisecond) }

func (g *gen) check(err error) {
	if err != nil && g.err == nil {
		g.err = err
	}
}

// session writes one session of k exchanges.
func (g *gen) session(k int) {
	g.ns++
	g.s = &session.Session{ID: UUID(g.rnd), Client: "127.0.0.1:" + strconv.Itoa(40000+g.ns%20000),
		Upstream: "127.0.0.1:7000", Started: g.now()}
	g.devID = UUID(g.rnd)
	g.offset = 0
	if g.ns%37 == 0 {
		g.s.Hints = []session.Hint{{Code: session.HintNoConnectionUpgrade, Text: "the upgrade request has no Connection: Upgrade"}}
	}
	g.check(g.w.Session(g.s))
	if g.ns%g.o.CometEvery == 0 {
		g.comet(k)
	} else {
		g.ptth(k)
	}
	cp := *g.s
	cp.Ended = g.now()
	g.check(g.w.Session(&cp))
}

// ptth writes an upgrade and k-1 reversed requests.
func (g *gen) ptth(k int) {
	up := g.exchange(1, session.Forward, session.PTTH,
		g.request("POST", "/reverse", "", []session.Header{{Name: "Host", Value: "apple-tv.local:7000"},
			{Name: "Upgrade", Value: "PTTH/1.0"}, {Name: "Connection", Value: "Upgrade"}, {Name: "X-Apple-Purpose", Value: "event"},
			{Name: "Content-Length", Value: "0"}, {Name: "X-Apple-Session-ID", Value: g.devID}}),
		g.response(101, "Switching Protocols", "", []session.Header{{Name: "Date", Value: g.date()},
			{Name: "Upgrade", Value: "PTTH/1.0"}, {Name: "Connection", Value: "Upgrade"}}))
	if g.ns%10 == 0 {
		up.Hints = []session.Hint{{Code: session.HintContentLengthOn101, Text: "a 101 carrying Content-Length", Exchange: up.ID}}
	}
	g.put(up, session.FromClient)
	g.s.State = session.StateFlipped
	g.s.Flip = &session.Flip{At: up.Response.Last, Token: "PTTH/1.0", Exchange: up.ID, Offset: g.offset}
	g.check(g.w.Session(g.s))
	for seq := 2; seq <= k; seq++ {
		g.put(g.reversed(seq), session.FromUpstream)
	}
}

var paths = []string{"/event", "/event", "/playback-info", "/slideshows/1/assets/42", "/server-info", "/scrub"}

// reversed makes one request the upstream sends the flipped client.
func (g *gen) reversed(seq int) *session.Exchange {
	path := paths[g.n%len(paths)]
	method, body, ctype := "GET", "", ""
	if path == "/event" || g.n%7 == 0 {
		method, ctype = "POST", "application/json"
		body = fmt.Sprintf(`{"category":"video","sessionID":%d,"state":"playing","position":%d.%03d}`, g.n%9973, g.n%600, g.n%1000)
		if g.n%3 == 0 {
			ctype = "text/x-apple-plist+xml"
			body = fmt.Sprintf("<plist version=\"1.0\"><dict><key>state</key><string>paused</string><key>rate</key><real>%d</real></dict></plist>", g.n%5)
		}
	}
	hs := []session.Header{{Name: "X-Apple-Session-ID", Value: g.devID}, {Name: "X-Apple-Device-ID", Value: "0xa4d1d2800b68"},
		{Name: "User-Agent", Value: "MediaControl/1.0"}, {Name: "Date", Value: g.date()}}
	if ctype != "" {
		hs = append(hs, session.Header{Name: "Content-Type", Value: ctype})
	} else if g.n%5 == 0 {
		hs = append(hs, session.Header{Name: "X-Apple-Request-ID", Value: strconv.Itoa(g.n)})
	}
	status, reason, rbody := 200, "OK", ""
	switch {
	case g.n%97 == 0:
		status, reason = 404, "Not Found"
	case g.n%331 == 0:
		status, reason = 500, "Internal Server Error"
	case method == "GET":
		rbody = fmt.Sprintf(`{"duration":%d,"position":%d,"rate":1}`, 1000+g.n%7000, g.n%600)
	}
	rhs := []session.Header{{Name: "Date", Value: g.date()}, {Name: "Server", Value: "AirTunes/220.68"}}
	if rbody != "" {
		rhs = append(rhs, session.Header{Name: "Content-Type", Value: "application/json"})
	}
	return g.exchange(seq, session.Reverse, session.PTTH, g.request(method, path, body, hs), g.response(status, reason, rbody, rhs))
}

// comet writes a COMET session: HTTP polls that carry events, and the COMET
// exchanges each pair of polls carried (an event, then its reply).
func (g *gen) comet(k int) {
	g.s.State = session.StateComet
	g.check(g.w.Session(g.s))
	for seq := 1; seq <= k; seq += 3 {
		msgID := strconv.Itoa(g.n + 1)
		ev := fmt.Sprintf(`[{"message-id":%s,"method":"GET","url":"/status"}]`, msgID)
		poll := g.exchange(seq, session.Forward, session.HTTP,
			g.request("POST", "/poll", "[]", []session.Header{{Name: "Host", Value: "relay.example:7000"}, {Name: "Content-Type", Value: "application/json"}}),
			g.response(200, "OK", ev, []session.Header{{Name: "Date", Value: g.date()}, {Name: "Content-Type", Value: "application/json"}}))
		g.put(poll, session.FromClient)
		if seq+1 > k {
			return
		}
		reply := `[{"message-id":` + msgID + `,"status":200,"body":"ok"}]`
		back := g.exchange(seq+1, session.Forward, session.HTTP,
			g.request("POST", "/poll", reply, []session.Header{{Name: "Host", Value: "relay.example:7000"}, {Name: "Content-Type", Value: "application/json"}}),
			g.response(200, "OK", "[]", []session.Header{{Name: "Date", Value: g.date()}, {Name: "Content-Type", Value: "application/json"}}))
		if seq+2 <= k {
			ex := g.exchange(seq+2, session.Reverse, session.COMET, g.request("GET", "/status", "", nil), g.response(200, "OK", "ok", nil))
			ex.MessageID, ex.Carriers = msgID, []string{poll.ID, back.ID}
			back.Carries = []string{ex.ID}
			poll.Carries = []string{ex.ID}
			g.put(back, session.FromClient)
			g.put(ex, session.FromUpstream)
			cp := *poll
			g.check(g.w.Exchange(&cp)) // the poll again, now that it names what it carried
		} else {
			g.put(back, session.FromClient)
		}
	}
}

func (g *gen) date() string { return g.now().Format(time.RFC1123) }

// exchange makes an exchange with a fresh id; the request starts now.
func (g *gen) exchange(seq int, dir session.Direction, tr session.Transport, req, resp *session.Message) *session.Exchange {
	t := g.now()
	req.First, req.Last = t, t.Add(40*time.Microsecond)
	resp.First, resp.Last = t.Add(time.Duration(200+g.n%1800)*time.Microsecond), t.Add(time.Duration(260+g.n%1800)*time.Microsecond)
	g.n++
	return &session.Exchange{ID: UUID(g.rnd), Session: g.s.ID, Seq: seq, Direction: dir, Transport: tr, Request: req, Response: resp}
}

func (g *gen) request(method, target, body string, hs []session.Header) *session.Message {
	m := &session.Message{Method: method, Target: target, Proto: "HTTP/1.1"}
	head := method + " " + target + " HTTP/1.1\r\n"
	return finish(m, head, body, hs)
}

func (g *gen) response(status int, reason, body string, hs []session.Header) *session.Message {
	m := &session.Message{Proto: "HTTP/1.1", Status: status, Reason: reason}
	return finish(m, "HTTP/1.1 "+strconv.Itoa(status)+" "+reason+"\r\n", body, hs)
}

// finish adds Content-Length and writes the wire bytes from the headers.
func finish(m *session.Message, start, body string, hs []session.Header) *session.Message {
	if body != "" || m.Method == "" || m.Method == "POST" {
		hs = append(hs, session.Header{Name: "Content-Length", Value: strconv.Itoa(len(body))})
	}
	raw := []byte(start)
	for _, h := range hs {
		raw = append(append(append(append(raw, h.Name...), ": "...), h.Value...), "\r\n"...)
	}
	raw = append(raw, "\r\n"...)
	m.HeadLen = len(raw)
	m.Raw = append(raw, body...)
	m.Headers = hs
	m.BodyLen = int64(len(body))
	return m
}

// put writes an exchange the way the relay does: the request's bytes, the
// exchange once its request is complete, the response's bytes, the exchange
// again. asker is the side that sent the request.
func (g *gen) put(e *session.Exchange, asker session.Side) {
	other := session.FromUpstream
	if asker == session.FromUpstream {
		other = session.FromClient
	}
	if !g.o.NoChunks {
		g.check(g.w.Chunk(e.Session, asker, e.Request.Last, e.Request.Raw))
	}
	pending := *e
	pending.Response = nil
	g.check(g.w.Exchange(&pending))
	if !g.o.NoChunks {
		g.check(g.w.Chunk(e.Session, other, e.Response.Last, e.Response.Raw))
	}
	if asker == session.FromUpstream {
		g.offset += int64(len(e.Request.Raw))
	} else {
		g.offset += int64(len(e.Response.Raw))
	}
	g.check(g.w.Exchange(e))
}

var (
	tempMu    sync.Mutex
	tempDir   string
	tempPaths = map[Options]string{}
)

// Temp writes a capture shaped by o in a temporary directory once per
// process and returns its path; Cleanup removes them all.
func Temp(o Options) (string, error) {
	tempMu.Lock()
	defer tempMu.Unlock()
	if p, ok := tempPaths[o]; ok {
		return p, nil
	}
	if tempDir == "" {
		d, err := os.MkdirTemp("", "ptth-synth-")
		if err != nil {
			return "", err
		}
		tempDir = d
	}
	p := filepath.Join(tempDir, fmt.Sprintf("synth-%d.ptthcap", len(tempPaths)))
	if err := Write(p, o); err != nil {
		return "", err
	}
	tempPaths[o] = p
	return p, nil
}

// Cleanup removes the captures Temp wrote.
func Cleanup() {
	tempMu.Lock()
	defer tempMu.Unlock()
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	tempDir, tempPaths = "", map[Options]string{}
}
