package edit

import (
	"bytes"
	"testing"
)

// FuzzParse checks that Parse never panics and that what it reads is stable:
// Parse(r.Bytes()) gives r back, and Message agrees with Bytes.
func FuzzParse(f *testing.F) {
	for _, tp := range Templates() {
		f.Add(tp.Request.Bytes())
	}
	for _, s := range []string{
		"", "\r\n", "GET", "GET /", "Host: x\n\n",
		"GET / HTTP/1.1\nX: a\n b\n\nbody",
		"POST /x HTTP/1.1\r\nContent-Length: 01\r\nContent-Length: 1\r\n\r\nx",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET  /a   b \t HTTP/1.1\r\r\n\tcont\r\nA:\r\r\n\r\n\x00\xff",
		"\n\nM / P\nN:\t\n X\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Parse(raw)
		if err != nil {
			return
		}
		b := r.Bytes()
		again, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(%q) failed on Bytes %q: %v", raw, b, err)
		}
		if !again.Equal(r) {
			t.Fatalf("unstable: %q\nfirst  %+v\nsecond %+v", raw, r, again)
		}
		if m := r.Message(); string(m.Raw) != string(b) || m.HeadLen > len(m.Raw) || string(m.Raw[m.HeadLen:]) != string(r.Body) {
			t.Fatalf("Message disagrees with Bytes for %q", raw)
		}
	})
}

// FuzzParseMany checks that ParseMany never panics and that the requests it
// reads, written with Bytes and concatenated, read back the same (with the
// Content-Length that AutoLength added) when each start line ends in a
// version, which is what tells a bodyless request from the next one.
func FuzzParseMany(f *testing.F) {
	for _, s := range []string{
		"### a\nGET / HTTP/1.1\n\n###\nPOST /e HTTP/1.1\n\nbody\n",
		"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nContent-Length: 1\r\n\r\nx",
		"# c\n// d\nPOST / HTTP/1.1\nTransfer-Encoding: chunked\n\n1\nx\n0\n\nGET / PTTH/1.0\n",
		"POST / HTTP/1.1\nContent-Length: 2\nContent-Length: 2\n\nab",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		reqs, err := ParseMany(bytes.NewReader(raw))
		if err != nil {
			return
		}
		var all []byte
		for i := range reqs {
			if !requestLine.MatchString(reqs[i].StartLine()) {
				return // an unframed request may then swallow the next as its body
			}
			all = append(all, reqs[i].Bytes()...)
			reqs[i].Headers = reqs[i].WireHeaders()
		}
		again, err := ParseMany(bytes.NewReader(all))
		if err != nil {
			t.Fatalf("ParseMany(%q) failed on its own output %q: %v", raw, all, err)
		}
		if len(again) != len(reqs) {
			t.Fatalf("%q: %d requests, then %d from %q", raw, len(reqs), len(again), all)
		}
		for i := range reqs {
			if !again[i].Equal(reqs[i]) {
				t.Fatalf("%q: request %d\nfirst  %+v\nsecond %+v", raw, i+1, reqs[i], again[i])
			}
		}
	})
}
