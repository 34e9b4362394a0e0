package filter

import (
	"strings"
	"testing"

	"ptth-inspector/session"
)

func req(method, target string, raw string) *session.Message {
	return &session.Message{Method: method, Target: target, Proto: "HTTP/1.1",
		Headers: []session.Header{{Name: "Host", Value: "example.test"}}, Raw: []byte(raw)}
}

func resp(status int, raw string) *session.Message {
	return &session.Message{Proto: "HTTP/1.1", Status: status, Raw: []byte(raw)}
}

var (
	fwdGet = &session.Exchange{ID: "a", Session: "s1", Direction: session.Forward, Transport: session.PTTH,
		Request:  req("POST", "/", "POST / HTTP/1.1\r\nUpgrade: PTTH/1.0\r\n\r\n"),
		Response: resp(101, "HTTP/1.1 101 Switching Protocols\r\n\r\n")}
	revGet = &session.Exchange{ID: "b", Session: "s1", Direction: session.Reverse, Transport: session.PTTH,
		Request:  req("GET", "/", "GET / HTTP/1.1\r\n\r\n"),
		Response: resp(200, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\nrdlrow ,olleH\r\n")}
	comet = &session.Exchange{ID: "c", Session: "s2", Direction: session.Reverse, Transport: session.COMET,
		MessageID: "xxx", Request: req("GET", "/status", "")}
	notFound = &session.Exchange{ID: "d", Session: "s2", Direction: session.Forward, Transport: session.HTTP,
		Request: req("GET", "/missing", "GET /missing HTTP/1.1\r\n\r\n"), Response: resp(404, "HTTP/1.1 404 Not Found\r\n\r\n"),
		Hints: []session.Hint{{Code: session.HintUnsolicitedResponse}}, Carries: []string{"c"}}
	all = []*session.Exchange{fwdGet, revGet, comet, notFound}
)

func ids(t *testing.T, expr string) string {
	t.Helper()
	q, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	var out []string
	for _, e := range all {
		if q.Match(e) {
			out = append(out, e.ID)
		}
	}
	return strings.Join(out, "")
}

func TestFilterTokens(t *testing.T) {
	cases := map[string]string{
		"":                           "abcd",
		"dir:reverse":                "bc",
		"dir:forward":                "ad",
		"transport:comet":            "c",
		"transport:http,comet":       "cd",
		"status:>=400":               "d",
		"status:<200":                "a",
		"status:2xx":                 "b",
		"status:100-299":             "ab",
		"status:!=200":               "acd",
		"status:pending":             "c",
		"method:post":                "a",
		"method:GET":                 "bcd",
		"hint:any":                   "d",
		"hint:none":                  "abc",
		"hint:unsolicited":           "d",
		"is:carrier":                 "d",
		"is:pending":                 "c",
		"id:XXX":                     "c",
		"session:s2":                 "cd",
		"-dir:reverse":               "ad",
		"dir:reverse method:GET":     "bc",
		"dir:reverse transport:ptth": "b",
	}
	for expr, want := range cases {
		if got := ids(t, expr); got != want {
			t.Errorf("%q matched %q, want %q", expr, got, want)
		}
	}
}

func TestFilterFreeText(t *testing.T) {
	cases := map[string]string{
		"olleh":               "b", // body, case-insensitive
		"RDLROW":              "b",
		`"rdlrow ,olleH"`:     "b", // quoted phrase with a blank
		"upgrade":             "a", // header in wire bytes
		"example.test":        "c", // parsed header when no wire bytes are held
		"/status":             "c",
		"xxx":                 "c", // message-id
		"-olleh":              "acd",
		"http:// nothing":     "",
		"missing dir:forward": "d",
	}
	for expr, want := range cases {
		if got := ids(t, expr); got != want {
			t.Errorf("%q matched %q, want %q", expr, got, want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, expr := range []string{"status:>=abc", "dir:sideways", "transport:smtp", `"open`, "method:", "is:odd", "status:500-400"} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) gave no error", expr)
		}
	}
	for expr, want := range map[string]string{
		"stauts:404":  "did you mean status:?",
		"meth:POST":   "did you mean method:?",
		"-methd:GET":  "did you mean method:?",
		"transprt:x":  "did you mean transport:?",
		"sesion:ab12": "did you mean session:?",
		"hints:any":   "did you mean hint:?",
	} {
		if _, err := Parse(expr); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error saying %q", expr, err, want)
		}
	}
	// Words that only look like tokens stay free text.
	for _, expr := range []string{"content-type:json", "http://example.test", "x-apple-session-id:1", `"stauts:404"`, "a:b",
		"uid:42", "sid:abc", "pid:7", "did:x", "his:x", "ids:1", "me:x", "st:x"} {
		if q, err := Parse(expr); err != nil || !q.HasText() {
			t.Errorf("Parse(%q) = %v, %v; want free text", expr, q, err)
		}
	}
	if !MustParse("  ").Empty() {
		t.Error("a blank expression should match everything")
	}
	if q := MustParse("olleh dir:reverse"); !q.HasText() || q.TermsOnly().HasText() || q.String() != "olleh dir:reverse" {
		t.Errorf("HasText/TermsOnly/String wrong for %q", q)
	}
}

func TestContainsFold(t *testing.T) {
	cases := []struct {
		hay, needle string
		want        bool
	}{
		{"Hello World", "world", true},
		{"Hello World", "hello", true},
		{"Hello World", "lo w", true},
		{"Hello World", "worlds", false},
		{"aaaaaaaaab", "aab", true},
		{"aaaaaaaaa", "aab", false},
		{"Content-Type: text/plain", "type: text", true},
		{"x", "", true},
		{"", "x", false},
		{"ZQZQZQ", "qzq", true},
		{"ab\xffcd", "\xffc", true},
	}
	for _, c := range cases {
		if got := ContainsFold([]byte(c.hay), LowerASCII(c.needle)); got != c.want {
			t.Errorf("ContainsFold(%q, %q) = %v, want %v", c.hay, c.needle, got, c.want)
		}
	}
}

func FuzzContainsFold(f *testing.F) {
	f.Add("Hello World", "o w")
	f.Add("PTTH/1.0", "ptth")
	f.Fuzz(func(t *testing.T, hay, needle string) {
		want := strings.Contains(string(LowerASCII(hay)), string(LowerASCII(needle)))
		if got := ContainsFold([]byte(hay), LowerASCII(needle)); got != want {
			t.Fatalf("ContainsFold(%q, %q) = %v, want %v", hay, needle, got, want)
		}
	})
}
