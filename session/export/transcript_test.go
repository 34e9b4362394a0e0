package export

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

func TestSeedTranscriptsExportIdentical(t *testing.T) {
	for _, name := range seeds {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(seedFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			runs := seedWire(t, name)
			for _, split := range []int{0, 1, 3, 7, 64} {
				m := relay(t, runs, split)
				if len(m.Exchanges()) < 2 {
					t.Fatalf("split %d: dissector found %d exchanges", split, len(m.Exchanges()))
				}
				got := render(t, Transcript, m, Options{})
				if !strings.HasPrefix(got, "# session "+m.Sessions()[0].ID+" client 127.0.0.1:65331 upstream 127.0.0.1:9999 started 2008-05-13T20:14:45") {
					t.Errorf("split %d: block does not start with the session comment: %q", split, firstLine(got))
				}
				if g := withoutComments(got); g != string(want) {
					t.Fatalf("split %d: transcript differs from %s:\n%s", split, name, diffLines(g, string(want)))
				}
			}
		})
	}
}

// TestSeedCometExactLength feeds the COMET seed as its Content-Length says it
// was sent (JSON bodies without a line end): the bodies still print as lines
// of their own, because the other side speaks next.
func TestSeedCometExactLength(t *testing.T) {
	want, err := os.ReadFile(seedFile(t, "seed-comet.transcript"))
	if err != nil {
		t.Fatal(err)
	}
	runs := seedWire(t, "seed-comet.transcript")
	for i := range runs {
		if bytes.HasSuffix(runs[i].b, []byte("}\r\n")) {
			runs[i].b = bytes.TrimSuffix(runs[i].b, []byte("\r\n"))
		}
	}
	m := relay(t, runs, 0)
	var comet *session.Exchange
	for _, e := range m.Exchanges() {
		if e.Transport == session.COMET {
			comet = e
		}
	}
	if n := len(m.Exchanges()); n != 3 || comet == nil || comet.Response == nil {
		t.Fatalf("dissector found %d exchanges (COMET %+v), want the poll, the paired COMET exchange and the reply POST", n, comet)
	}
	if g := withoutComments(render(t, Transcript, m, Options{})); g != string(want) {
		t.Fatalf("transcript differs:\n%s", diffLines(g, string(want)))
	}
}

func TestTranscriptSessionsAndEscapes(t *testing.T) {
	m := NewMemory()
	a := &session.Session{ID: "a", Client: "10.0.0.1:1", Upstream: "10.0.0.2:80", Started: t0}
	b := &session.Session{ID: "b", Client: "10.0.0.1:2", Upstream: "10.0.0.2:80", Started: t0.Add(time.Second)}
	m.PutSession(a)
	m.PutSession(b)
	m.Chunk("a", session.FromClient, t0, []byte("GET /x HTTP/1.1\r\nX-Bin: \x00\xff\\é\t\r\n"))
	m.Chunk("b", session.FromClient, t0, []byte("GET /y HT"))
	m.Chunk("a", session.FromUpstream, t0, []byte("part"))
	m.Chunk("b", session.FromClient, t0, []byte("TP/1.1\r\n"))
	m.Chunk("a", session.FromClient, t0, []byte("\r\n"))
	m.Chunk("a", session.FromUpstream, t0, []byte("ial\r\nno line end"))
	got := render(t, Transcript, m, Options{})
	// "part" began before the client's empty line, so that line ends it.
	want := TranscriptComment(a) + "\n>GET /x HTTP/1.1\n>X-Bin: \\x00\\xff\\\\é\t\n<part\n>\n<ial\n<no line end\n\n" +
		TranscriptComment(b) + "\n>GET /y HTTP/1.1\n"
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	s, ok := ParseTranscriptComment(TranscriptComment(b))
	if !ok || s.ID != "b" || s.Client != b.Client || s.Upstream != b.Upstream || !s.Started.Equal(b.Started) {
		t.Fatalf("comment round trip: %+v %v", s, ok)
	}
}

// TestTranscriptInterleave: a line one side left unfinished ends when the
// other side completes a line begun after it; lines both sides interleave
// mid-line stay whole.
func TestTranscriptInterleave(t *testing.T) {
	m := NewMemory()
	m.PutSession(&session.Session{ID: "s"})
	for _, c := range []struct {
		side session.Side
		b    string
	}{
		{session.FromUpstream, "{}"}, // a body without line end
		{session.FromClient, "POST / H"},
		{session.FromClient, "TTP/1.1\r\n"},
		{session.FromUpstream, "HTTP/1.1 2"},
		{session.FromClient, "GET"},
		{session.FromUpstream, "00 OK\r\n"},
		{session.FromClient, " / HTTP/1.1\r\n"},
	} {
		m.Chunk("s", c.side, t0, []byte(c.b))
	}
	got := withoutComments(render(t, Transcript, m, Options{}))
	if want := "<{}\n>POST / HTTP/1.1\n<HTTP/1.1 200 OK\n>GET / HTTP/1.1\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		s := Escape(b)
		if strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("Escape(%q) = %q holds a control byte", b, s)
		}
		back, err := Unescape(s)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("Unescape(Escape(%q)) = %q, %v", b, back, err)
		}
	}
	if _, err := Unescape(`a\q`); err == nil || !strings.Contains(err.Error(), "column 2") {
		t.Fatalf("bad escape error %v", err)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// diffLines shows the first differing line of two texts.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + gl + "\n want " + wl
		}
	}
	return "(same lines)"
}

// TestSpoolToFile: past its memory limit the spool moves to a temp file and
// still gives each key's text back in order.
func TestSpoolToFile(t *testing.T) {
	sp := newSpool(16)
	defer sp.close()
	want := map[string]string{}
	for i := 0; i < 50; i++ {
		k := string(rune('a' + i%3))
		line := strings.Repeat(k, i%7+1) + "\n"
		want[k] += line
		if err := sp.write(k, []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if sp.f == nil {
		t.Fatal("spool stayed in memory past its limit")
	}
	for k, w := range want {
		var b bytes.Buffer
		if err := sp.copyTo(&b, k); err != nil || b.String() != w {
			t.Fatalf("key %s: %q, %v; want %q", k, b.String(), err, w)
		}
	}
}
