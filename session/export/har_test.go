package export

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"ptth-inspector/session"
)

// harSchema compiles testdata/har-1.2.schema.json with format assertions on.
func harSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/har-1.2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("har.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("har.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, text string) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(v)
}

func TestHARValidates(t *testing.T) {
	schema := harSchema(t)
	fx := fixture(t)
	text := render(t, HARFormat, fx, Options{})
	if err := validate(t, schema, text); err != nil {
		t.Fatalf("HAR export fails the HAR 1.2 schema: %v", err)
	}
	// The schema does catch a broken HAR.
	broken := strings.Replace(text, `"redirectURL"`, `"redirectUrl"`, 1)
	if err := validate(t, schema, broken); err == nil {
		t.Fatal("schema accepted a response without redirectURL")
	}
	if err := validate(t, schema, strings.Replace(text, `"send": `, `"send": -2, "_x": `, 1)); err == nil {
		t.Fatal("schema accepted a timing below -1")
	}

	var har HAR
	if err := json.Unmarshal([]byte(text), &har); err != nil {
		t.Fatal(err)
	}
	if got, want := len(har.Log.Entries), len(fx.Exchanges()); got != want {
		t.Fatalf("%d entries, want one per exchange (%d)", got, want)
	}
	var reversed, pending, binary int
	for i, ent := range har.Log.Entries {
		e := fx.Exchanges()[i]
		p := ent.PTTH
		if p == nil || p.Exchange != e.ID || p.Session != e.Session || p.Direction != e.Direction.String() || p.Transport != e.Transport.String() || p.MessageID != e.MessageID {
			t.Errorf("entry %d _ptth %+v does not match exchange %+v", i, p, e)
			continue
		}
		if !strings.HasPrefix(ent.Request.URL, "http://") {
			t.Errorf("entry %d url %q is not absolute", i, ent.Request.URL)
		}
		sum := 0.0
		for _, v := range []float64{ent.Timings.Send, ent.Timings.Wait, ent.Timings.Receive} {
			if v >= 0 {
				sum += v
			}
		}
		if math.Abs(sum-ent.Time) > 0.001 || ent.Timings.DNS != -1 || ent.Timings.Connect != -1 {
			t.Errorf("entry %d time %v, timings %+v", i, ent.Time, ent.Timings)
		}
		if e.Direction == session.Reverse {
			reversed++
			if s := fx.Session(e.Session); ent.Request.URL != "http://"+s.Client+e.Request.Target {
				t.Errorf("reversed url %q, want the client address", ent.Request.URL)
			}
			if fx.Session(e.Session).Flip != nil && p.Flip == nil {
				t.Errorf("entry %d lacks the flip time", i)
			}
		}
		if e.Response == nil {
			pending++
			if ent.Timings.Wait != -1 || ent.Timings.Receive != -1 || !p.NoResponse {
				t.Errorf("pending entry timings %+v, no_response %v", ent.Timings, p.NoResponse)
			}
		}
		if ent.Response.Content.Encoding == "base64" {
			binary++
			if ent.Response.Content.Text != "AP8BAg==" {
				t.Errorf("binary content %q", ent.Response.Content.Text)
			}
		}
	}
	if reversed < 3 || pending != 1 || binary != 1 {
		t.Fatalf("reversed %d, pending %d, binary %d entries", reversed, pending, binary)
	}
}

func TestHARRoundTrip(t *testing.T) {
	fx := fixture(t)
	capA := openCapture(t, toCapture(t, fx))
	text := render(t, HARFormat, capA, Options{})
	m, err := ReadHAR(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	capB := openCapture(t, toCapture(t, m))
	if got, want := len(capB.Sessions()), len(capA.Sessions()); got != want {
		t.Fatalf("%d sessions, want %d", got, want)
	}
	for i, s := range capA.Sessions() {
		b := capB.Sessions()[i]
		if b.ID != s.ID || b.State != s.State || (s.Flip == nil) != (b.Flip == nil) {
			t.Errorf("session %d: %+v, want %+v", i, b, s)
		}
	}
	ae, be := capA.Exchanges(), capB.Exchanges()
	if len(ae) != len(be) {
		t.Fatalf("%d exchanges, want %d", len(be), len(ae))
	}
	for i, a := range ae {
		b := be[i]
		if a.ID != b.ID || a.Session != b.Session || a.Direction != b.Direction || a.Transport != b.Transport || a.MessageID != b.MessageID || a.Seq != b.Seq ||
			a.Injected != b.Injected || a.ReplayOf != b.ReplayOf || len(a.Hints) != len(b.Hints) || a.Error != b.Error {
			t.Errorf("exchange %d: %+v, want %+v", i, b, a)
		}
		if a.Request.Method != b.Request.Method || a.Request.Target != b.Request.Target || !sameBody(t, a.Request, b.Request) {
			t.Errorf("exchange %d request %+v, want %+v", i, b.Request, a.Request)
		}
		if (a.Response == nil) != (b.Response == nil) {
			t.Errorf("exchange %d response %v, want %v", i, b.Response, a.Response)
		} else if a.Response != nil && (a.Response.Status != b.Response.Status || !sameBody(t, a.Response, b.Response)) {
			t.Errorf("exchange %d response %+v, want %+v", i, b.Response, a.Response)
		}
		if (a.Original == nil) != (b.Original == nil) || a.Original != nil && string(a.Original.Raw) != string(b.Original.Raw) {
			t.Errorf("exchange %d original request %+v, want %+v", i, b.Original, a.Original)
		}
		if !a.Request.First.Equal(b.Request.First) {
			t.Errorf("exchange %d started %v, want %v", i, b.Request.First, a.Request.First)
		}
	}
}

func sameBody(t *testing.T, a, b *session.Message) bool {
	x, _ := a.Body()
	y, _ := b.Body()
	return bytes.Equal(x, y)
}

// TestHARForeign reads a browser-style HAR without _ptth.
func TestHARForeign(t *testing.T) {
	in := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
{"startedDateTime":"2024-01-02T03:04:05.5+01:00","time":3,"request":{"method":"GET","url":"https://ex.example/a?b=c","httpVersion":"h2",
"headers":[{"name":":authority","value":"ex.example"},{"name":"accept","value":"*/*"}],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
"response":{"status":200,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":2,"mimeType":"text/plain","text":"aGk=","encoding":"base64"},"redirectURL":"","headersSize":-1,"bodySize":2},
"cache":{},"timings":{"send":1,"wait":1,"receive":1},"connection":"42"}]}}`
	m, err := ReadHAR(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	e := m.Exchanges()[0]
	body, _ := e.Response.Body()
	if e.Session != "har-42" || e.Request.Target != "/a?b=c" || len(e.Request.Headers) != 1 || string(body) != "hi" || e.Direction != session.Forward {
		t.Fatalf("foreign entry became %+v req %+v body %q", e, e.Request, body)
	}
	if s := m.Sessions()[0]; s.Upstream != "ex.example:443" || s.Live() {
		t.Fatalf("session %+v", s)
	}
	for _, c := range []struct{ in, want string }{
		{strings.Replace(in, `"https://ex.example/a?b=c"`, `"/relative"`, 1), "log.entries[0].request.url"},
		{strings.Replace(in, `"aGk="`, `"!!"`, 1), "log.entries[0].response.content.text: bad base64"},
		{strings.Replace(in, `2024-01-02T03`, `yesterday`, 1), "log.entries[0].startedDateTime"},
		{`{"nolog":1}`, "log: missing"},
	} {
		if _, err := ReadHAR(strings.NewReader(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

func TestHARWrittenEntryByEntryIsTheWholeDocument(t *testing.T) {
	for name, src := range map[string]Source{"fixture": fixture(t), "empty": NewMemory()} {
		var got bytes.Buffer
		if err := WriteHAR(&got, src); err != nil {
			t.Fatal(err)
		}
		// The document built whole and encoded at once, as WriteHAR did
		// before it streamed its entries.
		doc := HAR{Log: HARLog{Version: "1.2", Creator: Creator, Entries: []HAREntry{}, PTTH: &HARLogPTTH{Version: JSONVersion}}}
		sessions := map[string]*session.Session{}
		for _, s := range src.Sessions() {
			sessions[s.ID] = s
			doc.Log.PTTH.Sessions = append(doc.Log.PTTH.Sessions, SessionJSON(s))
		}
		for _, e := range src.Exchanges() {
			ent, err := harEntry(e, sessions[e.Session])
			if err != nil {
				t.Fatal(err)
			}
			doc.Log.Entries = append(doc.Log.Entries, ent)
		}
		var want bytes.Buffer
		if err := harEncoder(&want, "").Encode(doc); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("%s: streamed HAR differs from the whole document:\n%s\nwant\n%s", name, got.String(), want.String())
		}
		if name == "fixture" && len(doc.Log.Entries) < 3 {
			t.Fatalf("fixture has %d entries: the test compares too little", len(doc.Log.Entries))
		}
	}
}
