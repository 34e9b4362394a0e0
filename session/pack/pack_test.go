package pack

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"ptth-inspector/session"
)

var t0 = time.Date(2008, 5, 13, 20, 14, 45, 123456789, time.UTC)

// sliceReader is a ReaderAt whose type cannot be compared with ==.
type sliceReader struct{ b []byte }

func (r sliceReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.b)) {
		return 0, io.EOF
	}
	return copy(p, r.b[off:]), nil
}

func rich() *session.Exchange {
	return &session.Exchange{ID: "e-1", Session: "s-1", Seq: 7, Direction: session.Reverse, Transport: session.COMET,
		Request: &session.Message{Method: "POST", Target: "/event?x=1", Proto: "HTTP/1.1", Chunked: true,
			Headers:  []session.Header{{Name: "Transfer-Encoding", Value: "chunked"}, {Name: "X-Empty", Value: ""}},
			Trailers: []session.Header{{Name: "Checksum", Value: "abc"}},
			Raw:      []byte("POST /event?x=1 HTTP/1.1\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), HeadLen: 27, BodyLen: 3,
			First: t0, Last: t0.Add(time.Millisecond)},
		Response: &session.Message{Proto: "HTTP/1.1", Status: 404, Reason: "Not Found", Truncated: true,
			Ref: &session.RawRef{R: sliceReader{[]byte("xxHTTP/1.1 404")}, Off: 2, Len: 12}, HeadLen: 12, BodyLen: -1,
			First: t0.Add(-time.Second), Last: time.Time{}},
		MessageID: "m-9", Carriers: []string{"c1", "c2"}, Carries: []string{"x"}, ReplayOf: "e-0", Injected: true,
		Hints: []session.Hint{{Code: session.HintTruncated, Text: "cut", Exchange: "e-1"}, {Code: "b"}},
		Error: "connection reset"}
}

// edited is an exchange whose request was edited at a breakpoint.
func edited() *session.Exchange {
	e := rich()
	e.ID, e.Injected = "edited", false
	e.Original = &session.Message{Method: "GET", Target: "/before", Proto: "HTTP/1.1",
		Headers: []session.Header{{Name: "Host", Value: "x"}}, Raw: []byte("GET /before HTTP/1.1\r\nHost: x\r\n\r\n"),
		HeadLen: 34, First: t0.Add(-2 * time.Second), Last: t0.Add(-time.Second)}
	return e
}

// packed is e as it comes back: times in time.Local without a monotonic
// reading, as from a capture file.
func packed(e *session.Exchange) *session.Exchange {
	cp := *e
	for _, p := range []**session.Message{&cp.Request, &cp.Response, &cp.Original} {
		if *p == nil {
			continue
		}
		m := **p
		for _, t := range []*time.Time{&m.First, &m.Last} {
			if !t.IsZero() {
				*t = time.Unix(0, t.UnixNano())
			}
		}
		*p = &m
	}
	return &cp
}

func TestGetAndViewGiveBackWhatWasPut(t *testing.T) {
	cases := []*session.Exchange{
		rich(),
		{ID: "pending", Session: "s-1", Request: &session.Message{Method: "GET", Target: "/", Proto: "HTTP/1.1", First: t0}},
		{ID: "orphan", Response: &session.Message{Proto: "HTTP/1.1", Status: 200, Raw: []byte{}, First: t0}},
		{},
		edited(),
	}
	a := New()
	var refs []Ref
	for _, e := range cases {
		refs = append(refs, a.Put(e))
	}
	var v View
	for i, e := range cases {
		want := packed(e)
		if got := a.Get(refs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: Get = %+v\nwant %+v", i, got, want)
		}
		if got := a.View(refs[i], &v); !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: View = %+v\nwant %+v", i, got, want)
		}
		if got := a.ID(refs[i]); got != e.ID {
			t.Errorf("case %d: ID = %q", i, got)
		}
	}
	b, err := a.Get(refs[0]).Response.Wire()
	if err != nil || string(b) != "HTTP/1.1 404" {
		t.Fatalf("bytes on disk read back as %q (%v)", b, err)
	}
}

func TestRepeatedStringsAreKeptOnce(t *testing.T) {
	a := New()
	mk := func(i int) *session.Exchange {
		return &session.Exchange{ID: fmt.Sprintf("id-%d", i), Session: "5d8c1f2e-3b7a-4c69-9e0d-1a2b3c4d5e6f",
			Request: &session.Message{Method: "GET", Target: "/status", Proto: "HTTP/1.1", First: t0,
				Headers: []session.Header{{Name: "X-Apple-Session-ID", Value: "1bd6ceeb-fffd-456c-a09c-996053a7a08c"},
					{Name: "Date", Value: "Tue, 13 May 2008 20:14:45 GMT"}, {Name: "X-Request", Value: fmt.Sprint(i)}}}}
	}
	refs := []Ref{a.Put(mk(0))}
	first := a.Bytes()
	for i := 1; i < 4; i++ {
		before := a.Bytes()
		refs = append(refs, a.Put(mk(i)))
		if per := a.Bytes() - before; i == 3 && per > first/2 {
			t.Fatalf("an exchange whose strings repeat takes %d bytes, the first took %d", per, first)
		}
	}
	x, y := a.Get(refs[2]), a.Get(refs[3])
	if unsafe.StringData(x.Session) != unsafe.StringData(y.Session) ||
		unsafe.StringData(x.Request.Headers[1].Value) != unsafe.StringData(y.Request.Headers[1].Value) {
		t.Fatal("repeated strings come back as separate copies")
	}
	if y.Request.Headers[2].Value != "3" || y.ID != "id-3" {
		t.Fatalf("unique strings wrong: %+v", y.Request.Headers)
	}
}

func TestViewReusesItsSpace(t *testing.T) {
	a := New()
	r1, r2 := a.Put(rich()), a.Put(&session.Exchange{ID: "other", Request: &session.Message{Method: "GET"}})
	var v View
	a.View(r1, &v)
	if e := a.View(r2, &v); e.ID != "other" || e.Response != nil || e.Hints != nil || e.Request.Headers != nil {
		t.Fatalf("second view kept parts of the first: %+v", e)
	}
	allocs := testing.AllocsPerRun(100, func() { a.View(r1, &v) })
	if allocs != 0 && !raceOn {
		t.Fatalf("View allocates %v times", allocs)
	}
}

func TestDecodedRawCannotOverwriteNeighbours(t *testing.T) {
	a := New()
	r1 := a.Put(&session.Exchange{ID: "a", Request: &session.Message{Raw: []byte("first")}})
	r2 := a.Put(&session.Exchange{ID: "b", Request: &session.Message{Raw: []byte("second")}})
	raw := a.Get(r1).Request.Raw
	_ = append(raw, "XXXXXXXXXXXXXXXXXXXX"...)
	if got := a.Get(r2); got.ID != "b" || string(got.Request.Raw) != "second" {
		t.Fatalf("append to a decoded Raw changed the next record: %+v", got)
	}
}

func TestLargeRecordsGetTheirOwnChunk(t *testing.T) {
	a := New()
	small := a.Put(&session.Exchange{ID: "small"})
	big := bytes.Repeat([]byte("z"), 3*ownChunk)
	rb := a.Put(&session.Exchange{ID: "big", Request: &session.Message{Raw: big}})
	after := a.Put(&session.Exchange{ID: "after"})
	if small>>32 != after>>32 || rb>>32 == small>>32 {
		t.Fatalf("refs %x %x %x: small records should share a chunk, the big one not", small, rb, after)
	}
	if got := a.Get(rb); !bytes.Equal(got.Request.Raw, big) || a.ID(after) != "after" {
		t.Fatal("big record or the one after it read back wrong")
	}
	if a.Bytes() < int64(len(big)) {
		t.Fatalf("Bytes = %d, less than the big record", a.Bytes())
	}
}

func TestManyChunks(t *testing.T) {
	a := New()
	var refs []Ref
	body := []byte(strings.Repeat("b", 1000))
	for i := 0; i < 3000; i++ {
		refs = append(refs, a.Put(&session.Exchange{ID: fmt.Sprint(i), Request: &session.Message{Raw: body}}))
	}
	if refs[len(refs)-1]>>32 < 2 {
		t.Fatal("3 MB of records fit one chunk")
	}
	for i, r := range refs {
		if e := a.Get(r); e.ID != fmt.Sprint(i) || len(e.Request.Raw) != 1000 {
			t.Fatalf("record %d read back as %q", i, e.ID)
		}
	}
}

func TestViewWithoutHeaders(t *testing.T) {
	a := New()
	r := a.Put(rich())
	v := View{Skip: Headers}
	e := a.View(r, &v)
	want := packed(rich())
	want.Request.Headers, want.Request.Trailers, want.Response.Headers = nil, nil, nil
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("View without headers = %+v\nwant %+v", e, want)
	}
}

func TestViewWithoutWire(t *testing.T) {
	a := New()
	r := a.Put(rich())
	a.Put(&session.Exchange{ID: "next"})
	v := View{Skip: Headers | Wire}
	e := a.View(r, &v)
	want := packed(rich())
	for _, m := range []*session.Message{want.Request, want.Response} {
		m.Headers, m.Trailers, m.HeadLen, m.BodyLen, m.First, m.Last, m.Raw, m.Ref = nil, nil, 0, 0, time.Time{}, time.Time{}, nil, nil
	}
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("View without wire = %+v\nwant %+v", e, want)
	}
}

func TestRepeatedHeaderLinesComeBackWhole(t *testing.T) {
	a := New()
	onDisk := func(i int) *session.Exchange { // headers are searched, not wire bytes
		e := rich()
		e.Request.Headers = append(e.Request.Headers, session.Header{Name: "X-Unique", Value: fmt.Sprint(i)})
		e.Request.Raw, e.Request.Ref = nil, &session.RawRef{Off: 3, Len: 4}
		return e
	}
	var r Ref
	for i := 0; i < 3; i++ {
		r = a.Put(onDisk(i))
	}
	if len(a.pairs.items) == 0 {
		t.Fatal("no header line was taken into the header table")
	}
	want := packed(onDisk(2))
	var v View
	if got := a.View(r, &v); !reflect.DeepEqual(got, want) {
		t.Fatalf("View = %+v\nwant %+v", got.Request, want.Request)
	}
	if !reflect.DeepEqual(a.Get(r), want) {
		t.Fatal("Get differs from what was put")
	}
	for word, found := range map[string]bool{"chunked": true, "X-Empty": true, "Checksum": true, "X-Unique": true, "2": true, "nothing": false} {
		if got := a.Find(r, NewFinder(contains(word))); got != found {
			t.Errorf("Find %q = %v", word, got)
		}
	}
}

// Times far from now (placeholders such as 1601-01-01 in a HAR, year 9999)
// and times centuries apart come back as they went in (review: nanosecond
// deltas overflowed).
func TestTimesFarFromNowComeBack(t *testing.T) {
	now := time.Now()
	a := New()
	for _, c := range []struct{ first, last time.Time }{
		{time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC), now},
		{now, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{time.Unix(0, 1<<62), time.Unix(0, -(1 << 62))},
		{time.Date(1601, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(1601, 1, 1, 0, 0, 0, 2, time.UTC)},
		{now, now.Add(-time.Hour)},
	} {
		e := &session.Exchange{ID: "x", Request: &session.Message{Method: "GET", First: c.first, Last: c.last},
			Response: &session.Message{Status: 200, First: c.last, Last: c.first}}
		got := a.Get(a.Put(e))
		for i, pair := range [][2]time.Time{{got.Request.First, c.first}, {got.Request.Last, c.last}, {got.Response.First, c.last}, {got.Response.Last, c.first}} {
			if !pair[0].Equal(pair[1]) {
				t.Errorf("time %d: got %v, want %v", i, pair[0], pair[1])
			}
		}
	}
}
