package export

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
	"ptth-inspector/session/capture"
)

// seedDirs are where the shared seed transcripts may be: shared/ beside the
// repository, or the copies in proxy/testdata.
var seedDirs = []string{"../../../shared/ptth", "../../proxy/testdata"}

var seeds = []string{"seed-upgrade.transcript", "seed-comet.transcript", "airplay-reverse.transcript"}

// seedFile returns the path of a shared seed file.
func seedFile(t testing.TB, name string) string {
	t.Helper()
	for _, d := range seedDirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("seed %s not found in %v", name, seedDirs)
	return ""
}

// wireRun is one same-side run of wire bytes.
type wireRun struct {
	side session.Side
	b    []byte
}

// seedWire builds the wire bytes of a seed transcript: each line + CRLF,
// except the AirPlay plist body lines (<?xml … </plist>), which end in LF.
// Consecutive lines of one side form one run.
func seedWire(t testing.TB, name string) []wireRun {
	t.Helper()
	data, err := os.ReadFile(seedFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var runs []wireRun
	plist := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		side := session.FromClient
		if l[0] == '<' {
			side = session.FromUpstream
		}
		text := l[1:]
		if strings.HasPrefix(text, "<?xml") {
			plist = true
		}
		end := "\r\n"
		if plist {
			end = "\n"
		}
		if text == "</plist>" {
			plist = false
		}
		if n := len(runs); n > 0 && runs[n-1].side == side {
			runs[n-1].b = append(runs[n-1].b, text+end...)
		} else {
			runs = append(runs, wireRun{side, []byte(text + end)})
		}
	}
	return runs
}

var t0 = time.Date(2008, 5, 13, 20, 14, 45, 123456789, time.UTC) // sub-millisecond on purpose

// relay runs wire runs through the dissector, each run cut into pieces of
// at most split bytes (0: whole runs), and returns what it recorded.
func relay(t testing.TB, runs []wireRun, split int) *Memory {
	t.Helper()
	m := NewMemory()
	book := dissect.NewCometBook(m)
	c := dissect.NewConn(m, book, "127.0.0.1:65331", "127.0.0.1:9999", t0)
	now := t0
	for _, r := range runs {
		b := r.b
		for len(b) > 0 {
			n := len(b)
			if split > 0 {
				n = min(n, split)
			}
			now = now.Add(time.Millisecond)
			c.Feed(r.side, b[:n], now)
			b = b[n:]
		}
	}
	now = now.Add(time.Millisecond)
	c.Close(session.FromClient, now)
	c.Close(session.FromUpstream, now)
	c.End(now, "")
	return m
}

// seedMemory relays a seed through the dissector in whole runs.
func seedMemory(t testing.TB, name string) *Memory {
	return relay(t, seedWire(t, name), 0)
}

// withoutComments drops "#" lines and empty lines from a transcript.
func withoutComments(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if l == "" || l == "\n" || l[0] == '#' {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "")
}

// toCapture writes src into a new capture file the way the store does.
func toCapture(t testing.TB, src Source) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.ptthcap")
	w, err := capture.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range src.Sessions() {
		if err := w.Session(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range src.Exchanges() {
		if err := w.Exchange(e); err != nil {
			t.Fatal(err)
		}
	}
	err = src.Chunks(func(id string, side session.Side, tm time.Time, b []byte) error { return w.Chunk(id, side, tm, b) })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func openCapture(t testing.TB, path string) *CaptureSource {
	t.Helper()
	c, err := FromCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func render(t testing.TB, f Format, src Source, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, src, o); err != nil {
		t.Fatalf("%s export: %v", f, err)
	}
	return b.String()
}
