package ui

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/engine"
	"ptth-inspector/proxy/mock"
	"ptth-inspector/proxy/replay"
	"ptth-inspector/session"
	"ptth-inspector/session/edit"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

// newEditorHarness opens a window under test and an editor on a new
// request.
func newEditorHarness(t *testing.T) (*harness, *editor) {
	t.Helper()
	h := newHarness(t, ptheme.Light)
	e := h.in.openEditor(nil)
	if e == nil {
		t.Fatal("no editor")
	}
	t.Cleanup(e.win.Close)
	return h, e
}

// tableHeaders returns the header table's rows as "Name: value".
func tableHeaders(e *editor) []string {
	var out []string
	for _, r := range e.headers.rows {
		out = append(out, r.name.Text+": "+r.value.Text)
	}
	return out
}

func TestTypingInRawUpdatesStructuredView(t *testing.T) {
	_, e := newEditorHarness(t)
	e.raw.SetText("")
	test.Type(e.raw, "POST /upload HTTP/1.1\nHost: example\nX-Foo: bar\n\nhello")
	if e.method.Text != "POST" || e.target.Text != "/upload" || e.proto.Text != "HTTP/1.1" {
		t.Errorf("start line = %q %q %q", e.method.Text, e.target.Text, e.proto.Text)
	}
	if got := strings.Join(tableHeaders(e), "|"); got != "Host: example|X-Foo: bar" {
		t.Errorf("header table = %q", got)
	}
	if e.bodyEntry.Text != "hello" {
		t.Errorf("body entry = %q", e.bodyEntry.Text)
	}
	if got := string(e.req.Bytes()); got != "POST /upload HTTP/1.1\r\nHost: example\r\nX-Foo: bar\r\nContent-Length: 5\r\n\r\nhello" {
		t.Errorf("request bytes = %q", got)
	}
	if !strings.Contains(e.wireInfo.Text, "adds Content-Length: 5") {
		t.Errorf("wire note = %q", e.wireInfo.Text)
	}

	// A header line without a colon: the error shows inline and the
	// structured view keeps the last request that parsed.
	test.Type(e.raw, "") // keep the focus
	e.raw.SetText("POST /upload HTTP/1.1\nno colon here\n\nhello")
	if !e.rawErr.Visible() || !strings.Contains(e.rawErr.Text, "line 2") || !strings.Contains(e.rawErr.Text, "no colon") {
		t.Errorf("raw error = %q (visible %v)", e.rawErr.Text, e.rawErr.Visible())
	}
	if got := strings.Join(tableHeaders(e), "|"); got != "Host: example|X-Foo: bar" || e.method.Text != "POST" {
		t.Errorf("a parse error changed the structured view: %q", got)
	}
	e.raw.SetText("PUT /x HTTP/1.0\n\n")
	if e.rawErr.Visible() || e.method.Text != "PUT" || len(e.headers.rows) != 0 {
		t.Errorf("after fixing: err %v, method %q, %d headers", e.rawErr.Visible(), e.method.Text, len(e.headers.rows))
	}
}

func TestStructuredEditsUpdateRawAndContentLength(t *testing.T) {
	_, e := newEditorHarness(t)
	e.template.SetSelected("AirPlay POST /event")
	if !e.autoLen.Checked || !e.req.AutoLength {
		t.Fatal("Keep Content-Length right should be on by default")
	}
	if !strings.Contains(e.raw.Text, "\nContent-Length: 316\n") {
		t.Fatalf("raw = %q", e.raw.Text)
	}
	// Edit a header value in the table.
	var sid *headerRow
	for _, r := range e.headers.rows {
		if r.name.Text == "X-Apple-Session-ID" {
			sid = r
		}
	}
	sid.value.SetText("")
	test.Type(sid.value, "abc")
	if !strings.Contains(e.raw.Text, "\nX-Apple-Session-ID: abc\n") {
		t.Errorf("raw after header edit = %q", e.raw.Text)
	}
	// The body grows: Content-Length follows, in the raw view and the table.
	test.Type(e.bodyEntry, "<!-- hi -->\n")
	if !strings.Contains(e.raw.Text, "\nContent-Length: 328\n") || !strings.HasSuffix(e.raw.Text, "</plist>\n") {
		t.Errorf("raw after body edit = %q", e.raw.Text)
	}
	if got := strings.Join(tableHeaders(e), "|"); !strings.Contains(got, "Content-Length: 328") {
		t.Errorf("table = %q", got)
	}
	for _, r := range e.headers.rows {
		if r.name.Text == "Content-Length" && !r.value.Disabled() {
			t.Error("Content-Length should not be editable while it follows the body")
		}
	}
	// Off: the header stays as it is while the body changes.
	test.Tap(e.autoLen)
	if e.req.AutoLength {
		t.Fatal("tapping the check left AutoLength on")
	}
	test.Type(e.bodyEntry, "x")
	if !strings.Contains(e.raw.Text, "\nContent-Length: 328\n") || len(e.req.Body) != 329 {
		t.Errorf("with AutoLength off: raw %q, body %d bytes", e.raw.Text, len(e.req.Body))
	}
	if b := e.req.Bytes(); !strings.Contains(string(b), "Content-Length: 328\r\n") {
		t.Errorf("bytes = %q", b)
	}
	// Adding and removing headers in the table.
	n := len(e.headers.rows)
	r := e.headers.addRow(session.Header{})
	test.Type(r.name, "X-New")
	test.Type(r.value, "1")
	if !strings.Contains(e.raw.Text, "\nX-New: 1\n") {
		t.Errorf("added header missing from raw: %q", e.raw.Text)
	}
	test.Tap(r.del)
	if len(e.headers.rows) != n || strings.Contains(e.raw.Text, "X-New") {
		t.Errorf("removed header still there: %q", e.raw.Text)
	}
}

func TestTemplatesFillTheEditor(t *testing.T) {
	_, e := newEditorHarness(t)
	if e.method.Text != "GET" || e.target.Text != "/status" || e.raw.Text != "GET /status HTTP/1.1\nHost:\n\n" {
		t.Errorf("new request: %q %q raw %q", e.method.Text, e.target.Text, e.raw.Text)
	}
	e.template.SetSelected("AirPlay POST /event")
	if e.method.Text != "POST" || e.target.Text != "/event" || !strings.HasPrefix(e.bodyEntry.Text, "<?xml") {
		t.Errorf("AirPlay template: %q %q body %q", e.method.Text, e.target.Text, e.bodyEntry.Text)
	}
	if got := strings.Join(tableHeaders(e), "|"); !strings.Contains(got, "Content-Type: text/x-apple-plist+xml") {
		t.Errorf("headers = %q", got)
	}
	if e.lineEnds.Selected != endsLF {
		t.Errorf("plist line ends = %q", e.lineEnds.Selected)
	}
	e.template.SetSelected("COMET event GET / PTTH/1.0")
	if e.proto.Text != "PTTH/1.0" || e.kind.Selected != "COMET event" {
		t.Errorf("COMET template: proto %q, target %q", e.proto.Text, e.kind.Selected)
	}
	if e.origID != "" {
		t.Error("a template must not replay anything")
	}
}

func TestLargeOrBinaryBodyIsReadOnlyAndKept(t *testing.T) {
	_, e := newEditorHarness(t)
	big := edit.Request{Method: "POST", Target: "/big", Proto: "HTTP/1.1", AutoLength: true,
		Body: []byte(strings.Repeat("0123456789abcdef\r\n", 3000))}
	e.load(big)
	if e.form.editable || e.bodyEntry.Visible() || !e.bodyRO.object().Visible() {
		t.Fatalf("a %d-byte body should be read-only", len(big.Body))
	}
	if !strings.Contains(e.bodyWhy.Text, "too big") || strings.Contains(e.raw.Text, "0123") {
		t.Errorf("info %q, raw %q", e.bodyWhy.Text, e.raw.Text)
	}
	e.target.CursorColumn = len(e.target.Text)
	test.Type(e.target, "2")
	if e.req.Target != "/big2" || string(e.req.Body) != string(big.Body) {
		t.Errorf("target %q, body kept %v", e.req.Target, string(e.req.Body) == string(big.Body))
	}
	b := e.req.Bytes()
	if !strings.HasSuffix(string(b), string(big.Body)) || !strings.Contains(string(b), "Content-Length: 54000\r\n") {
		t.Errorf("bytes end %q", b[len(b)-40:])
	}
	e.raw.SetText(e.raw.Text + "typed")
	if !e.rawErr.Visible() {
		t.Error("typing a body in the raw view of a read-only body should be an error")
	}
	test.Tap(findButton(t, e.win.Content(), "Clear body"))
	if !e.form.editable || len(e.req.Body) != 0 || !e.bodyEntry.Visible() {
		t.Error("Clear body should make the body editable and empty")
	}
	e.load(edit.Request{Method: "POST", Target: "/bin", Proto: "HTTP/1.1", Body: []byte{0, 1, 2, 0xff}})
	if e.form.editable || !strings.Contains(e.bodyWhy.Text, "binary") {
		t.Errorf("binary body: %q", e.bodyWhy.Text)
	}
}

func TestCRLFBodyEditsKeepItsLineEnds(t *testing.T) {
	_, e := newEditorHarness(t)
	e.load(edit.Request{Method: "POST", Target: "/", Proto: "HTTP/1.1", AutoLength: true,
		Headers: []session.Header{{Name: "Content-Length", Value: "6"}}, Body: []byte("a\r\nb\r\n")})
	if e.bodyEntry.Text != "a\nb\n" || e.lineEnds.Selected != endsCRLF {
		t.Fatalf("body %q, %q", e.bodyEntry.Text, e.lineEnds.Selected)
	}
	test.Type(e.bodyEntry, "z\n")
	if string(e.req.Body) != "z\r\na\r\nb\r\n" {
		t.Errorf("body = %q", e.req.Body)
	}
	e.lineEnds.SetSelected(endsLF)
	if string(e.req.Body) != "z\na\nb\n" || e.req.Header("Content-Length") != "6" {
		t.Errorf("LF body = %q, length %s", e.req.Body, e.req.Header("Content-Length"))
	}
}

func TestBigBodyUpdatesTheOtherViewAfterAPause(t *testing.T) {
	h, e := newEditorHarness(t)
	body := strings.Repeat("0123456789abcdef0123456789abcdef\n", 400) // 13,200 bytes
	e.load(edit.Request{Method: "POST", Target: "/", Proto: "HTTP/1.1", AutoLength: true, Body: []byte(body)})
	test.Type(e.bodyEntry, "x")
	if len(e.req.Body) != len(body)+1 || strings.HasSuffix(e.raw.Text, "\nx"+body) {
		t.Fatalf("the model should follow at once, the raw view later")
	}
	if !strings.Contains(e.wireInfo.Text, "Content-Length: 13201") {
		t.Errorf("wire note = %q", e.wireInfo.Text)
	}
	h.waitFor("the raw view", func() bool { return strings.HasSuffix(e.raw.Text, "\n\nx"+body) })
	if !strings.Contains(e.raw.Text, "Content-Length: 13201\n") {
		t.Errorf("raw head = %q", e.raw.Text[:60])
	}
	// Typing in the raw view while it waits for the body's edit: that
	// keystroke gives way, and no edit of the body is lost.
	test.Type(e.bodyEntry, "y")
	test.Type(e.raw, "z")
	if !strings.HasPrefix(string(e.req.Body), "xy0") || !strings.HasSuffix(e.raw.Text, "\n\nxy"+body) {
		t.Errorf("an edit was lost: body starts %q", e.req.Body[:4])
	}
}

// fakeReplayer records what the editor sends, over a relay backend.
type fakeReplayer struct {
	*relayBackend
	mu   sync.Mutex
	sent []string
}

func (f *fakeReplayer) Replay(_ context.Context, k engine.Kind, sid string, req []byte, of string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, fmt.Sprintf("%v|%s|%s|%s", k, sid, of, req))
	return "", nil
}

func (f *fakeReplayer) sends() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}
func (f *fakeReplayer) Repeat(context.Context, engine.Kind, string, []byte, string, int, bool) replay.Stats {
	return replay.Stats{}
}
func (f *fakeReplayer) Alternatives(string) []string { return nil }
func (f *fakeReplayer) Context() context.Context     { return context.Background() }
func (f *fakeReplayer) Mock() *mock.Server           { return nil }

func TestSendRefusesWhileTheRawViewDoesNotParse(t *testing.T) {
	h, e := newEditorHarness(t)
	f := &fakeReplayer{relayBackend: &relayBackend{st: store.New(nil)}}
	h.in.attach(f.st, f)
	e.template.SetSelected("COMET event GET / PTTH/1.0")
	e.raw.SetText("GET / PTTH/1.0\nbroken\n\n")
	test.Tap(e.send)
	if !strings.Contains(e.status.Text, "does not parse") || len(f.sends()) != 0 {
		t.Errorf("status %q, sent %q", e.status.Text, f.sends())
	}
	e.raw.SetText("GET /q PTTH/1.0\nA: b\n\n")
	test.Tap(e.send)
	h.waitFor("the send", func() bool { return strings.Contains(e.status.Text, "Queued") })
	if got := f.sends(); len(got) != 1 || got[0] != "COMET event|||GET /q PTTH/1.0\r\nA: b\r\n\r\n" {
		t.Errorf("sent %q", got)
	}
}

func TestEditorWarnsOfARequestLinePeersRefuse(t *testing.T) {
	_, e := newEditorHarness(t)
	e.raw.SetText("GE T /missing?x=1 HTTP/1.1\nHost: x\n\n")
	if !strings.Contains(e.wireInfo.Text, `Check before sending: the target "T /missing?x=1" has a space in it`) || e.wireInfo.Importance != widget.WarningImportance {
		t.Fatalf("wire note = %q", e.wireInfo.Text)
	}
	e.raw.SetText("GET /missing?x=1 HTTP/1.1\nHost: x\n\n")
	if strings.Contains(e.wireInfo.Text, "Check") {
		t.Fatalf("a good request line still warned: %q", e.wireInfo.Text)
	}
}

// TestCometEditorSaysWhichClientGetsTheEvent: an event from the editor
// waits for the next poll from the COMET client's host, and the editor
// says so before and after sending.
func TestCometEditorSaysWhichClientGetsTheEvent(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := loadTranscript(t, "seed-comet.transcript")
	eng := liveEngine(t, h, tinyUpstream(t, steps))
	c, err := net.Dial("tcp", eng.Options().Listen) // kept open: a COMET client still there
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := play(c, steps, session.FromClient); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the COMET exchange", func() bool {
		return findExchange(h, func(x *session.Exchange) bool { return x.Transport == session.COMET && x.Response != nil }) != nil
	})
	x := findExchange(h, func(x *session.Exchange) bool { return x.Transport == session.COMET })
	e := h.in.openEditor(x)
	defer e.win.Close()
	want := "The event waits for the next poll from 127.0.0.1: the COMET client " + h.in.sessionName(x.Session) + "."
	if e.kind.Selected != "COMET event" || !strings.HasPrefix(e.clients.Text, want) || !e.clients.Visible() {
		t.Fatalf("kind %q, target line %q", e.kind.Selected, e.clients.Text)
	}
	e.sendNow()
	h.waitFor("the queued note", func() bool {
		return strings.HasPrefix(e.status.Text, "Queued as a COMET event for the next poll from 127.0.0.1.")
	})
}
