package pack

import (
	"bytes"
	"testing"

	"ptth-inspector/session"
)

func contains(word string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(word)) }
}

func TestFindSearchesWhatTheFilterSearches(t *testing.T) {
	onDisk := &session.Exchange{ID: "id-secret", Session: "sess-secret", MessageID: "msg-7", Error: "reset by peer",
		Hints: []session.Hint{{Code: "hint-code", Text: "hint text"}}, Carriers: []string{"carrier-x"},
		Request: &session.Message{Method: "POST", Target: "/event", Proto: "HTTP/1.1",
			Headers: []session.Header{{Name: "X-Name", Value: "value-1"}}, Trailers: []session.Header{{Name: "Trail", Value: "t-val"}},
			Ref: &session.RawRef{Off: 1, Len: 2}},
		Response: &session.Message{Proto: "HTTP/1.1", Status: 404, Reason: "Gone Away"}}
	inMemory := &session.Exchange{ID: "m",
		Request: &session.Message{Method: "GET", Target: "/target-not-in-raw", Raw: []byte("GET /x HTTP/1.1\r\nHost: h\r\n\r\nbody-word"),
			Headers: []session.Header{{Name: "Host", Value: "h"}}, Truncated: true, Trailers: []session.Header{{Name: "Late", Value: "trailer-word"}}}}
	a := New()
	rd, rm := a.Put(onDisk), a.Put(inMemory)
	for _, c := range []struct {
		r    Ref
		word string
		want bool
	}{
		{rd, "POST", true}, {rd, "/event", true}, {rd, "Gone", true}, {rd, "X-Name", true}, {rd, "value-1", true},
		{rd, "t-val", true}, {rd, "msg-7", true}, {rd, "by peer", true},
		{rd, "id-secret", false}, {rd, "sess-secret", false}, {rd, "HTTP/1.1", false}, {rd, "hint", false}, {rd, "carrier", false},
		{rd, "404", false},
		{rm, "body-word", true}, {rm, "Host: h", true}, {rm, "trailer-word", true}, {rm, "target-not-in-raw", false},
	} {
		if got := a.Find(c.r, NewFinder(contains(c.word))); got != c.want {
			t.Errorf("Find %q = %v, want %v", c.word, got, c.want)
		}
	}
}

func TestFindTestsATableStringOnce(t *testing.T) {
	a := New()
	var refs []Ref
	for i := 0; i < 5; i++ {
		refs = append(refs, a.Put(&session.Exchange{Request: &session.Message{Target: "/same",
			Headers: []session.Header{{Name: "Server", Value: "AirTunes"}}}}))
	}
	asked := map[string]int{}
	f := NewFinder(func(b []byte) bool { asked[string(b)]++; return false })
	for _, r := range refs {
		a.Find(r, f)
	}
	if asked["AirTunes"] != 2 || asked["/same"] != 2 {
		// once as a literal (the table takes a string the second time it
		// is seen), then once from the table
		t.Fatalf("asked %v", asked)
	}
	f2 := NewFinder(contains("Tunes"))
	for i, r := range refs {
		if !a.Find(r, f2) {
			t.Fatalf("exchange %d: word in a table string not found", i)
		}
	}
}
