package export

import (
	"encoding/json"
	"strings"
	"testing"

	"ptth-inspector/session"
)

func TestJSONRoundTrip(t *testing.T) {
	fx := fixture(t)
	capA := openCapture(t, toCapture(t, fx))
	sameSource(t, fx, capA, true)

	doc := render(t, JSON, capA, Options{})
	m, err := ReadJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	capB := openCapture(t, toCapture(t, m))
	sameSource(t, capA, capB, true) // capture → json → capture

	if again := render(t, JSON, capB, Options{}); again != doc {
		t.Fatalf("json → capture → json differs:\n%s", diffLines(again, doc))
	}
}

func TestJSONFields(t *testing.T) {
	fx := fixture(t)
	var doc map[string]any
	if err := json.Unmarshal([]byte(render(t, JSON, fx, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != 1.0 {
		t.Fatalf("version %v", doc["version"])
	}
	for _, k := range []string{"id", "client", "upstream", "state", "started", "ended", "hints", "flip"} {
		if _, ok := doc["sessions"].([]any)[0].(map[string]any)[k]; !ok {
			t.Errorf("session lacks %q", k)
		}
	}
	var sawBinary, sawPending, sawChunked bool
	for _, x := range doc["exchanges"].([]any) {
		e := x.(map[string]any)
		for _, k := range []string{"id", "session", "seq", "direction", "transport", "request", "response", "started", "duration_ms", "error", "message_id", "carriers", "carries", "replay_of", "hints"} {
			if _, ok := e[k]; !ok {
				t.Errorf("exchange lacks %q", k)
			}
		}
		req := e["request"].(map[string]any)
		if req["target"] == "/up?x=1&y=%41" {
			sawChunked = sawChunked || (req["body"] == "hello" && req["chunked"] == true)
			resp := e["response"].(map[string]any)
			_, hasText := resp["body"]
			sawBinary = sawBinary || (resp["bodyBase64"] == "AP8BAg==" && !hasText)
		}
		if req["target"] == "/pending" {
			sawPending = e["response"] == nil && e["duration_ms"] == nil && strings.Contains(e["error"].(string), "closed")
		}
	}
	if !sawBinary || !sawPending || !sawChunked {
		t.Fatalf("binary body as bodyBase64 %v, pending with null response %v, dechunked body %v", sawBinary, sawPending, sawChunked)
	}
}

func TestJSONErrorsNameTheField(t *testing.T) {
	fx := fixture(t)
	doc := render(t, JSON, fx, Options{})
	for _, c := range []struct{ in, want string }{
		{strings.Replace(doc, `"direction":"reverse"`, `"direction":"sideways"`, 1), `.direction: unknown value "sideways"`},
		{strings.Replace(doc, `"state":"ptth-flipped"`, `"state":"upside-down"`, 1), `sessions[0].state`},
		{strings.Replace(doc, `"exchanges":[`, `"exchanges":[{"id":`, 1), "line "},
		{strings.Replace(doc, `"seq":1`, `"seq":"one"`, 1), "seq"},
		{`{"version":7}`, "version: 7"},
	} {
		_, err := ReadJSON(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to mention %q", err, c.want)
		}
	}
}

// TestJSONHandWritten: a message without raw is built from its fields.
func TestJSONHandWritten(t *testing.T) {
	in := `{"version":1,"sessions":[{"id":"s","client":"c:1","upstream":"u:2","state":"http","hints":[]}],
"exchanges":[{"id":"x","session":"s","seq":1,"direction":"forward","transport":"http",
"request":{"method":"PUT","target":"/k","proto":"HTTP/1.1","headers":[["Host","u"],["Content-Length","2"]],"body":"hi"},"response":null}]}`
	m, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	req := m.Exchanges()[0].Request
	if want := "PUT /k HTTP/1.1\r\nHost: u\r\nContent-Length: 2\r\n\r\nhi"; string(req.Raw) != want || req.HeadLen != len(want)-2 {
		t.Fatalf("raw %q head %d", req.Raw, req.HeadLen)
	}
	if m.Exchanges()[0].Direction != session.Forward {
		t.Fatal("direction")
	}
}
