package edit

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"ptth-inspector/session"
)

func TestFromMessageTranscriptsExact(t *testing.T) {
	var raws []string
	for _, f := range []struct{ file, marker string }{
		{"airplay-reverse.transcript", ">"}, {"airplay-reverse.transcript", "<"},
		{"seed-comet.transcript", ">"}, {"seed-upgrade.transcript", ">"}, {"seed-upgrade.transcript", "<"},
	} {
		raws = append(raws, transcriptRequests(t, f.file, f.marker)...)
	}
	// POST /reverse and POST /event; two COMET POSTs; the upgrade POST and
	// the reversed GET.
	if len(raws) != 6 {
		t.Fatalf("found %d requests in the transcripts, want 6", len(raws))
	}
	for _, raw := range raws {
		r, err := FromMessage(capture(t, raw))
		if err != nil {
			t.Fatalf("FromMessage(%q): %v", raw, err)
		}
		if got := string(r.Bytes()); got != raw {
			t.Errorf("Bytes = %q, want %q", got, raw)
		}
		if !r.AutoLength || r.Note != "" || !r.Unedited() {
			t.Errorf("%q: AutoLength %v, note %q, unedited %v", raw, r.AutoLength, r.Note, r.Unedited())
		}
		// The capture is canonical, so the rendering agrees with it as well.
		if p, err := Parse(r.Bytes()); err != nil || !p.Equal(r) {
			t.Errorf("Parse(Bytes) = %+v, %v; want %+v", p, err, r)
		}
	}
}

func TestFromMessageKeepsOddFormattingUntilEdited(t *testing.T) {
	raw := "POST /x HTTP/1.1\nHost:a\nContent-Length:  3\n\nabc"
	r, err := FromMessage(capture(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r.Bytes()); got != raw {
		t.Fatalf("unedited Bytes = %q, want the capture %q", got, raw)
	}
	if m := r.Message(); string(m.Raw) != raw || m.HeadLen != len(raw)-3 || m.Header("Host") != "a" {
		t.Errorf("unedited Message = %+v", m)
	}
	edited := r.Clone()
	edited.Target = "/y"
	if got := string(edited.Bytes()); got != "POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" {
		t.Errorf("edited Bytes = %q", got)
	}
	edited.Target = "/x"
	if got := string(edited.Bytes()); got != raw {
		t.Errorf("edit undone: Bytes = %q, want the capture again", got)
	}
	edited.Headers[0].Value = "b"
	if edited.Unedited() || r.Headers[0].Value != "a" || string(r.Bytes()) != raw {
		t.Error("editing a clone's header touched the original")
	}
}

func TestFromMessageChunked(t *testing.T) {
	raw := "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nX-After: 1\r\n\r\n" +
		"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 9\r\n\r\n"
	m := capture(t, raw)
	m.Trailers = []session.Header{{Name: "X-Sum", Value: "9"}}
	r, err := FromMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != "hello world" || !r.AutoLength {
		t.Errorf("body %q, AutoLength %v", r.Body, r.AutoLength)
	}
	if got := headerNames(r.Headers); got != "Host,X-After,Content-Length" || r.Header("Content-Length") != "11" {
		t.Errorf("headers %v", r.Headers)
	}
	if !strings.Contains(r.Note, "chunked") || !strings.Contains(r.Note, "X-Sum") {
		t.Errorf("note %q should explain the switch and the dropped trailer", r.Note)
	}
	want := "POST /upload HTTP/1.1\r\nHost: h\r\nX-After: 1\r\nContent-Length: 11\r\n\r\nhello world"
	if got := string(r.Bytes()); got != want {
		t.Errorf("Bytes = %q, want %q", got, want)
	}
}

func TestFromMessageCometEvent(t *testing.T) {
	// A COMET event's synthesized message has a body but no framing header.
	raw := "GET / PTTH/1.0\r\nHost: 127.0.0.1:65331\r\nX-Empty: \r\n\r\nbody"
	r, err := FromMessage(capture(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	if r.AutoLength || string(r.Bytes()) != raw || string(r.Body) != "body" {
		t.Errorf("AutoLength %v, Bytes %q", r.AutoLength, r.Bytes())
	}
	r.AutoLength = true
	if !bytes.HasSuffix(r.Bytes(), []byte("X-Empty:\r\nContent-Length: 4\r\n\r\nbody")) {
		t.Errorf("AutoLength on: %q", r.Bytes())
	}
}

func TestFromMessageTruncatedAndWrongInput(t *testing.T) {
	m := capture(t, "POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial")
	m.Truncated = true
	r, err := FromMessage(m)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if string(r.Body) != "partial" || r.Header("Content-Length") != "7" || r.Note == "" {
		t.Errorf("kept request %+v", r)
	}
	if _, err := FromMessage(capture(t, "HTTP/1.1 200 OK\r\n\r\n")); err == nil || !strings.Contains(err.Error(), "response") {
		t.Errorf("response: err = %v", err)
	}
	if _, err := FromMessage(nil); err == nil {
		t.Error("nil message: no error")
	}
}
