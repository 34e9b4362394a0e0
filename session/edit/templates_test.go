package edit

import (
	"strings"
	"testing"
)

func template(t *testing.T, prefix string) Request {
	t.Helper()
	for _, tp := range Templates() {
		if strings.HasPrefix(tp.Name, prefix) {
			return tp.Request
		}
	}
	t.Fatalf("no template named %s…", prefix)
	return Request{}
}

func TestTemplatesAreWellFramed(t *testing.T) {
	ts := Templates()
	if len(ts) != 4 {
		t.Fatalf("%d templates, want 4", len(ts))
	}
	for _, tp := range ts {
		r := tp.Request
		if tp.Name == "" || !r.AutoLength || !r.FramingOK() {
			t.Errorf("%q: AutoLength %v, framing ok %v", tp.Name, r.AutoLength, r.FramingOK())
		}
		if p, err := Parse(r.Bytes()); err != nil || !p.Equal(r) {
			t.Errorf("%q: Parse(Bytes) = %+v, %v", tp.Name, p, err)
		}
	}
}

func TestTemplateStatusHasEmptyHost(t *testing.T) {
	if got := string(template(t, "GET /status").Bytes()); got != "GET /status HTTP/1.1\r\nHost:\r\n\r\n" {
		t.Errorf("Bytes = %q", got)
	}
}

func TestTemplateAirPlayMatchesTranscript(t *testing.T) {
	reqs := transcriptRequests(t, "airplay-reverse.transcript", "<")
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "POST /event ") {
		t.Fatalf("transcript requests %q", reqs)
	}
	r := template(t, "AirPlay")
	if got := string(r.Bytes()); got != reqs[0] {
		t.Errorf("Bytes = %q\nwant the transcript's %q", got, reqs[0])
	}
	if len(r.Body) != 316 || r.Header("Content-Type") != "text/x-apple-plist+xml" || r.Header("Host") != "" {
		t.Errorf("body %d bytes, headers %v", len(r.Body), r.Headers)
	}
}

func TestTemplateCometAndEmpty(t *testing.T) {
	c := template(t, "COMET")
	if c.StartLine() != "GET / PTTH/1.0" || len(c.Body) != 0 {
		t.Errorf("COMET template %q", c.Bytes())
	}
	e := template(t, "Empty")
	if len(e.Headers) != 0 || len(e.Body) != 0 || string(e.Bytes()) != "GET / HTTP/1.1\r\n\r\n" {
		t.Errorf("empty template %q", e.Bytes())
	}
}

func TestTemplatesAreFreshCopies(t *testing.T) {
	a := Templates()
	a[0].Request.Headers[0].Value = "changed"
	a[1].Request.Body[0] = 'X'
	b := Templates()
	if b[0].Request.Headers[0].Value != "" || b[1].Request.Body[0] != '<' {
		t.Error("editing a template changed the next call's result")
	}
}
