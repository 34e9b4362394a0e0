package export

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ptth-inspector/session"
)

var planted = []string{
	"SECRET-AUTH-123", "SECRET-COOKIE-456", "SECRET-SETCOOKIE-789", "SECRET-APIKEY-000",
	"SECRETBODYTOKEN", "SECRET-COMET-AUTH", "1bd6ceeb-fffd-456c-a09c-996053a7a08c", "SECRET-ORIGINAL-555",
}

// secretFixture is the fixture plus a session carrying every planted
// secret: in headers, a body pattern, a cookie echoed in a body and a COMET
// event whose headers hold an Authorization, relayed in 3-byte pieces.
func secretFixture(t *testing.T) *Memory {
	event := `{"message-id": "m1", "method": "GET", "request-uri": "/s", "http-version": "HTTP/1.1", "headers": [["Authorization", "Basic SECRET-COMET-AUTH"]], "body": ""}`
	echo := "welcome SECRET-COOKIE-456; token=SECRETBODYTOKEN"
	reqBody := "a=1&token=SECRETBODYTOKEN"
	s := relay(t, []wireRun{
		{session.FromClient, []byte("POST /login HTTP/1.1\r\nHost: up\r\nAuthorization: Bearer SECRET-AUTH-123\r\nCookie: sid=SECRET-COOKIE-456; theme=dark\r\nX-Api-Key: SECRET-APIKEY-000\r\nContent-Length: " + strconv.Itoa(len(reqBody)) + "\r\n\r\n" + reqBody)},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nSet-Cookie: sid=SECRET-SETCOOKIE-789; Path=/\r\nContent-Length: " + strconv.Itoa(len(echo)) + "\r\n\r\n" + echo)},
		{session.FromClient, []byte("POST /poll HTTP/1.1\r\nHost: up\r\nContent-Length: 0\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(int64(len(event)), 16) + "\r\n" + event + "\r\n0\r\n\r\n")},
	}, 3)
	var comet bool
	for _, e := range s.Exchanges() {
		comet = comet || (e.Transport == session.COMET && e.Request.Header("Authorization") != "")
	}
	if !comet {
		t.Fatal("the dissector found no COMET event with an Authorization header")
	}
	m := merge(t, fixture(t), s)
	// A request edited at a breakpoint: the one its sender sent held a
	// token the edit took out.
	orig := "GET /me HTTP/1.1\r\nAuthorization: Bearer SECRET-ORIGINAL-555\r\n\r\n"
	e := *s.Exchanges()[0]
	e.ID, e.Seq = "edited-secret", 99
	e.Original = &session.Message{Method: "GET", Target: "/me", Proto: "HTTP/1.1", Raw: []byte(orig), HeadLen: len(orig),
		Headers: []session.Header{{Name: "Authorization", Value: "Bearer SECRET-ORIGINAL-555"}}, First: e.Request.First, Last: e.Request.First}
	m.PutExchange(&e)
	return m
}

// plain returns text plus every base64 string inside it decoded, so a
// secret inside raw bytes or a binary body is found too.
func plain(t *testing.T, text string) string {
	var out strings.Builder
	out.WriteString(text)
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return text
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if b, err := base64.StdEncoding.DecodeString(x); err == nil {
				out.WriteString("\n" + string(b))
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return out.String()
}

func TestRedactionEveryFormat(t *testing.T) {
	fx := secretFixture(t)
	for _, f := range Formats {
		if text := plain(t, render(t, f, fx, Options{})); !strings.Contains(text, "SECRET-AUTH-123") {
			t.Fatalf("%s export without --redact lacks the planted secret: the test proves nothing", f)
		}
	}
	for _, f := range []Format{JSON, HARFormat} {
		if text := plain(t, render(t, f, fx, Options{})); !strings.Contains(text, "SECRET-ORIGINAL-555") {
			t.Fatalf("%s export without --redact lacks the edited request's original: the test proves nothing", f)
		}
	}
	key := []byte("fixed key")
	outputs := map[Format]string{}
	for _, f := range Formats {
		red := NewRedactor(RedactOptions{Headers: []string{"x-api-key"}, Bodies: []*regexp.Regexp{regexp.MustCompile(`token=[A-Za-z0-9]+`)}, Key: key})
		out := render(t, f, fx, Options{Redactor: red})
		outputs[f] = out
		text := plain(t, out)
		for _, s := range planted {
			if strings.Contains(text, s) {
				i := strings.Index(text, s)
				t.Errorf("%s export leaks %q: …%s…", f, s, text[max(0, i-80):min(len(text), i+40)])
			}
		}
	}
	red := NewRedactor(RedactOptions{Key: key})
	auth := red.Mask("Bearer SECRET-AUTH-123")
	for _, f := range Formats {
		if !strings.Contains(plain(t, outputs[f]), auth) {
			t.Errorf("%s export lacks the mask %s of the Authorization value", f, auth)
		}
	}
	if !strings.Contains(outputs[Transcript], ">Cookie: "+red.Mask("sid=SECRET-COOKIE-456; theme=dark")) ||
		!strings.Contains(outputs[Transcript], "<welcome "+red.Mask("SECRET-COOKIE-456")) {
		t.Errorf("transcript masks are not the cookie's masks")
	}
	// Redacted raw requests still parse: Content-Length follows the masked body.
	msgs, err := ParseRaw(strings.NewReader(outputs[Raw]))
	if err != nil {
		t.Fatalf("redacted raw export does not parse: %v", err)
	}
	for _, m := range msgs {
		if b, _ := m.Body(); m.Header("Content-Length") != "" && m.Header("Content-Length") != strconv.Itoa(len(b)) {
			t.Errorf("Content-Length %s for a %d-byte body", m.Header("Content-Length"), len(b))
		}
	}
	// Redacted JSON still imports.
	if _, err := ReadJSON(strings.NewReader(outputs[JSON])); err != nil {
		t.Fatalf("redacted JSON does not import: %v", err)
	}
}

func TestMaskIsStable(t *testing.T) {
	a := NewRedactor(RedactOptions{Key: []byte("k")})
	b := NewRedactor(RedactOptions{Key: []byte("k")})
	c := NewRedactor(RedactOptions{})
	if a.Mask("secret-x") != b.Mask("secret-x") || a.Mask("secret-x") == a.Mask("secret-y") || a.Mask("secret-x") == c.Mask("secret-x") {
		t.Fatal("masks: same key must agree, different secrets and keys must not")
	}
	// A mask is as long as its secret, so lengths on the wire stay true.
	for secret, shape := range map[string]string{
		"Bearer SECRET-AUTH-123": `^REDACTED-[0-9a-f]{6}\*{7}$`,
		"SECRET-COOKIE-4":        `^REDACTED-[0-9a-f]{6}$`,
		"sid=1234":               `^\*{2}[0-9a-f]{6}$`,
		"abcd":                   `^\*[0-9a-f]{3}$`,
		"x":                      `^\*$`,
	} {
		if m := a.Mask(secret); len(m) != len(secret) || !regexp.MustCompile(shape).MatchString(m) {
			t.Errorf("Mask(%q) = %q, want %s", secret, m, shape)
		}
	}
}

// TestRedactionLeavesFramingAlone: a numeric secret (uid=1000) does not
// mask a Content-Length of 1000 or a chunk size, so every export still
// frames its bodies.
func TestRedactionLeavesFramingAlone(t *testing.T) {
	body := strings.Repeat("a", 1000)
	s := relay(t, []wireRun{
		{session.FromClient, []byte("POST /up HTTP/1.1\r\nCookie: uid=1000\r\nContent-Length: 1000\r\n\r\n" + body)},
		{session.FromUpstream, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + strings.Repeat("b", 0x1000) + "\r\n0\r\n\r\n")},
	}, 0)
	red := NewRedactor(RedactOptions{Key: []byte("k")})
	out := render(t, Transcript, s, Options{Redactor: red})
	if !strings.Contains(out, ">Content-Length: 1000\n") || !strings.Contains(out, "<1000\n") || strings.Contains(out, "uid=1000") {
		t.Fatalf("framing masked or secret kept:\n%s", out[:min(len(out), 400)])
	}
	if js := render(t, JSON, s, Options{Redactor: NewRedactor(RedactOptions{Key: []byte("k")})}); !strings.Contains(js, `["Content-Length","1000"]`) {
		t.Fatalf("JSON headers lost the Content-Length")
	}
	msgs, err := ParseRaw(strings.NewReader(render(t, Raw, s, Options{Redactor: NewRedactor(RedactOptions{Key: []byte("k")})})))
	if err != nil || len(msgs) != 1 || msgs[0].Header("Content-Length") != "1000" {
		t.Fatalf("raw export: %v %+v", err, msgs)
	}
}
