package edit

import (
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	for line, want := range map[string]string{
		"GET /status HTTP/1.1":              "",
		"OPTIONS * HTTP/1.1":                "",
		"CONNECT example.test:443 HTTP/1.1": "",
		"GET http://h/x HTTP/1.0":           "",
		"GE T /missing?x=1 HTTP/1.1":        `the target "T /missing?x=1" has a space in it`,
		"GET status HTTP/1.1":               `the target "status" is not a path`,
		"G(T / HTTP/1.1":                    `method "G(T" has characters`,
		"GET /":                             "no protocol version",
		"GET / HTTP/11":                     `the protocol "HTTP/11" is not HTTP/x.y`,
	} {
		r, err := Parse([]byte(line + "\r\n\r\n"))
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		got := strings.Join(r.Problems(), "; ")
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%q: problems %q, want %q", line, got, want)
		}
	}
}
