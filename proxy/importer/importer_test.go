package importer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/export"
	"ptth-inspector/session/store"
)

var seedDirs = []string{"../../../shared/ptth", "../testdata"}

var seeds = []string{"seed-upgrade.transcript", "seed-comet.transcript", "airplay-reverse.transcript"}

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

func load(t testing.TB, path string) *Import {
	t.Helper()
	im, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { im.Close() })
	return im
}

func render(t testing.TB, f export.Format, src export.Source) string {
	t.Helper()
	var b bytes.Buffer
	if err := export.Write(&b, f, src, export.Options{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func write(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func withoutComments(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" && l != "\n" && l[0] != '#' {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func TestSeedTranscriptImportExport(t *testing.T) {
	for _, name := range seeds {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(seedFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			im := load(t, seedFile(t, name))
			if im.Format != Transcript {
				t.Fatalf("detected %s", im.Format)
			}
			got := render(t, export.Transcript, im.Source)
			if withoutComments(got) != string(want) {
				t.Fatalf("transcript → import → transcript differs:\n%s", got)
			}
			// With its "#" line, the export imports back to the very same text.
			again := render(t, export.Transcript, load(t, write(t, "again.transcript", got)).Source)
			if again != got {
				t.Fatalf("second round trip differs:\n%s\nwant\n%s", again, got)
			}
		})
	}
}

func exchanges(im *Import) []*session.Exchange { return im.Source.Exchanges() }

func TestSeedUpgradeImportsFlipped(t *testing.T) {
	im := load(t, seedFile(t, "seed-upgrade.transcript"))
	s := im.Source.Sessions()
	ex := exchanges(im)
	if len(s) != 1 || s[0].State != session.StateFlipped || s[0].Flip == nil || s[0].Flip.Token != "PTTH/1.0" || s[0].Upstream != "localhost:9999" || s[0].Live() {
		t.Fatalf("session %+v", s)
	}
	if len(ex) != 2 || ex[0].Response == nil || ex[0].Response.Status != 101 || s[0].Flip.Exchange != ex[0].ID {
		t.Fatalf("upgrade exchange %+v", ex)
	}
	r := ex[1]
	body, _ := r.Response.Body()
	if r.Direction != session.Reverse || r.Transport != session.PTTH || r.Request.Method != "GET" || string(body) != "rdlrow ,olleH\r\n" {
		t.Fatalf("reversed exchange %+v body %q", r, body)
	}
}

func TestSeedCometImportsPaired(t *testing.T) {
	im := load(t, seedFile(t, "seed-comet.transcript"))
	var comet *session.Exchange
	for _, e := range exchanges(im) {
		if e.Transport == session.COMET {
			comet = e
		}
	}
	if comet == nil || comet.Direction != session.Reverse || comet.MessageID != "xxx" || comet.Response == nil || comet.Response.Status != 200 || len(comet.Carriers) != 2 {
		t.Fatalf("COMET exchange %+v", comet)
	}
	body, _ := comet.Response.Body()
	if string(body) != "rdlrow ,olleH" || im.Source.Sessions()[0].State != session.StateComet {
		t.Fatalf("COMET reply body %q, session %+v", body, im.Source.Sessions()[0])
	}
	// The JSON bodies had no line end on the wire: Content-Length says so.
	for _, e := range exchanges(im) {
		if e.Transport == session.HTTP && e.Response != nil && e.Response.Header("Content-Length") == "210" {
			if b, _ := e.Response.Body(); len(b) != 210 || b[len(b)-1] != '}' {
				t.Fatalf("poll answer body %q", b)
			}
		}
	}
}

func TestAirPlayBodyKeepsLF(t *testing.T) {
	im := load(t, seedFile(t, "airplay-reverse.transcript"))
	ex := exchanges(im)
	if len(ex) != 2 {
		t.Fatalf("%d exchanges", len(ex))
	}
	body, _ := ex[1].Request.Body()
	if ex[1].Direction != session.Reverse || ex[1].Request.Target != "/event" || len(body) != 316 || bytes.Contains(body, []byte("\r")) {
		t.Fatalf("event %+v body %d bytes %q", ex[1], len(body), body)
	}
	if ex[1].Response == nil || ex[1].Response.Status != 200 {
		t.Fatalf("event response %+v", ex[1].Response)
	}
}

// TestLineEnds checks the framing-based line-end rules on their own.
func TestLineEnds(t *testing.T) {
	tr := ">POST /c HTTP/1.1\n>Transfer-Encoding: chunked\n>\n>5\n>hello\n>6\n>hello\n>\n>0\n>\n" +
		"<HTTP/1.1 200 OK\n<Content-Length: 7\n<\n<{}\n<{}HTTP/1.1 204 No Content\n<\n"
	blocks, err := parseTranscript(strings.NewReader(tr))
	if err != nil {
		t.Fatal(err)
	}
	chunks := restoreLineEnds(blocks[0].lines)
	want := []string{
		"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\nhello\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{}\r\n{}HTTP/1.1 204 No Content\r\n\r\n",
	}
	if len(chunks) != 2 || string(chunks[0].Data) != want[0] || string(chunks[1].Data) != want[1] {
		t.Fatalf("chunks %q\nwant %q", chunks, want)
	}
}

func TestLoadJSONHARCapture(t *testing.T) {
	var srcs []*Import
	for _, s := range seeds {
		srcs = append(srcs, load(t, seedFile(t, s)))
	}
	// One capture file holding all three seeds.
	path := filepath.Join(t.TempDir(), "all.ptthcap")
	w, err := capture.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(w)
	for _, im := range srcs {
		if err := im.Fill(st); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var calls int
	capIm, err := Load(path, func(done, total int64) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	defer capIm.Close()
	if capIm.Format != Capture || len(capIm.Source.Exchanges()) != 7 || calls == 0 {
		t.Fatalf("capture import: %s, %d exchanges, %d progress calls", capIm.Format, len(capIm.Source.Exchanges()), calls)
	}
	jsonText := render(t, export.JSON, capIm.Source)
	jsonIm := load(t, write(t, "x.json", jsonText))
	if jsonIm.Format != JSON || render(t, export.JSON, jsonIm.Source) != jsonText {
		t.Fatal("json import does not export back to the same JSON")
	}
	harIm := load(t, write(t, "x.har", render(t, export.HARFormat, capIm.Source)))
	if harIm.Format != HAR {
		t.Fatalf("HAR detected as %s", harIm.Format)
	}
	a, b := capIm.Source.Exchanges(), harIm.Source.Exchanges()
	if len(a) != len(b) {
		t.Fatalf("HAR import has %d exchanges, want %d", len(b), len(a))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Direction != b[i].Direction || a[i].Transport != b[i].Transport {
			t.Errorf("exchange %d: %+v, want %+v", i, b[i], a[i])
		}
	}
	fresh, err := jsonIm.Store()
	if err != nil {
		t.Fatal(err)
	}
	if got := fresh.Stats(); got.Exchanges != 7 || got.Sessions != 3 || got.Live != 0 || got.Bytes == 0 {
		t.Fatalf("store from the JSON import: %+v", got)
	}
	if !slices.EqualFunc(fresh.Sessions(), capIm.Source.Sessions(), func(x, y *session.Session) bool { return x.ID == y.ID }) {
		t.Fatal("store sessions differ")
	}
}

func TestBadFiles(t *testing.T) {
	good := render(t, export.JSON, load(t, seedFile(t, "seed-upgrade.transcript")).Source)
	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "empty"},
		{"binary.bin", "\x00\x01garbage", "not a capture, JSON export, HAR or transcript"},
		{"other.json", `{"a":1}`, "neither a HAR"},
		{"bad.transcript", ">GET / HTTP/1.1\n>Host: x\nHost: y\n", "line 3:"},
		{"escape.transcript", ">GET / HTTP/1.1\n>X: \\q\n", "line 2: bad escape"},
		{"bad.json", strings.Replace(good, `"transport":"ptth"`, `"transport":"pigeon"`, 1), `exchanges[0].transport: unknown value "pigeon"`},
		{"cut.json", good[:len(good)/2], "line "},
		{"bad.har", `{"log":{"version":"1.2","entries":[{"startedDateTime":"nope"}]}}`, "log.entries[0].startedDateTime"},
		{"torn.ptthcap", capture.Magic, "not a PTTH Inspector capture"},
		{"head4.ptthcap", capture.Magic[:4], "a capture cut short: only 4 bytes of its 8-byte header"},
		{"type.har", `{"log":{"version":"1.2","entries":[{"request":3}]}}`, "line 1: log.entries.request: number where an object was expected"},
		{"type.json", `{"version":1,"sessions":{}}`, "line 1: sessions: { where a list was expected"},
	} {
		_, err := Load(write(t, c.name, c.text), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("a missing file loaded")
	}
}

// A redacted transcript reads back as the same exchanges: masks keep every
// length, so Content-Length and chunk sizes still frame the masked bodies
// (a redacted COMET body used to run into the next message).
func TestRedactedTranscriptImportsAlike(t *testing.T) {
	shape := func(im *Import) []string {
		var out []string
		for _, e := range exchanges(im) {
			row := fmt.Sprintf("%s %s %s %s", e.Direction, e.Transport, e.Request.Method, e.Request.Target)
			if e.Response != nil {
				b, _ := e.Response.Body()
				row += fmt.Sprintf(" → %d %dB", e.Response.Status, len(b))
			}
			for _, h := range e.Hints {
				row += " hint:" + h.Code
			}
			out = append(out, row)
		}
		for _, s := range im.Source.Sessions() {
			for _, h := range s.Hints {
				out = append(out, "session hint:"+h.Code)
			}
		}
		return out
	}
	for _, name := range seeds {
		t.Run(name, func(t *testing.T) {
			im := load(t, seedFile(t, name))
			red := export.NewRedactor(export.RedactOptions{Bodies: []*regexp.Regexp{regexp.MustCompile(`rdlrow ,olleH|127\.0\.0\.1:\d+|<string>[^<]*</string>`)}})
			var b bytes.Buffer
			if err := export.Write(&b, export.Transcript, im.Source, export.Options{Redactor: red}); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(b.Bytes(), []byte(render(t, export.Transcript, im.Source))) {
				t.Fatal("redaction changed nothing: the test proves nothing")
			}
			back := load(t, write(t, "redacted.transcript", b.String()))
			if got, want := shape(back), shape(im); !slices.Equal(got, want) {
				t.Fatalf("redacted transcript reads back as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
