package diff

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"ptth-inspector/session"
)

func TestIdenticalExchangesAreEqual(t *testing.T) {
	resp := respWith("200 OK", []string{"Content-Type: text/plain"}, "one\ntwo\n")
	r := Compare(exch(t, getReq, resp), exch(t, getReq, resp), DefaultOptions())
	if !r.Equal() {
		t.Fatalf("identical exchanges not equal: %s", r.Summary())
	}
	if got := r.Summary(); got != "identical" {
		t.Errorf("Summary = %q, want identical", got)
	}
	for _, l := range append(r.Request.Headers, r.Response.Headers...) {
		if l.Kind != Same {
			t.Errorf("header %s is %s", l.Name(), l.Kind)
		}
	}
	if b := r.Response.Body; b.Kind != BodyText || !b.Same || len(b.Lines) != 2 || b.Inserted+b.Deleted != 0 {
		t.Errorf("body = %+v, want 2 equal text lines", b)
	}
	if r.Request.Body.Kind != BodyEmpty || !r.Request.Body.Same {
		t.Errorf("request body = %+v, want empty and same", r.Request.Body)
	}
}

func TestStatusChange(t *testing.T) {
	a := exch(t, getReq, respWith("200 OK", nil, "ok"))
	b := exch(t, getReq, respWith("404 Not Found", nil, "ok"))
	r := Compare(a, b, DefaultOptions())
	if r.Equal() {
		t.Fatal("200 and 404 compare equal")
	}
	if got := r.Summary(); got != "status 200→404" {
		t.Errorf("Summary = %q, want status 200→404", got)
	}
	if r.Response.StartKind() != Changed || r.Request.StartKind() != Same || !r.Request.Equal() {
		t.Errorf("start lines %q / %q, request equal %v", r.Response.StartA, r.Response.StartB, r.Request.Equal())
	}
}

func TestRequestLineChange(t *testing.T) {
	a := exch(t, getReq, "")
	b := exch(t, strings.Replace(getReq, "GET /status", "POST /event", 1), "")
	r := Compare(a, b, DefaultOptions())
	s := r.Summary()
	if !strings.Contains(s, "method GET→POST") || !strings.Contains(s, "target /status→/event") || r.Equal() {
		t.Errorf("Summary = %q", s)
	}
}

func TestHeadersInWireOrder(t *testing.T) {
	a := []session.Header{{Name: "Host", Value: "h"}, {Name: "Accept", Value: "*/*"},
		{Name: "X-Old", Value: "1"}, {Name: "Cookie", Value: "a"}, {Name: "Cookie", Value: "b"}}
	b := []session.Header{{Name: "Host", Value: "h"}, {Name: "X-New", Value: "2"},
		{Name: "accept", Value: "text/plain"}, {Name: "Cookie", Value: "a"}, {Name: "Cookie", Value: "c"}}
	got := compareHeaders(a, b, nil)
	want := []string{"same Host", "added X-New", "changed Accept", "removed X-Old", "same Cookie", "changed Cookie"}
	if k := kinds(got); !slices.Equal(k, want) {
		t.Fatalf("lines = %q, want %q", k, want)
	}
	if got[2].A.Value != "*/*" || got[2].B.Value != "text/plain" || got[2].B.Name != "accept" {
		t.Errorf("changed Accept = %+v", got[2])
	}
	if got[5].A.Value != "b" || got[5].B.Value != "c" {
		t.Errorf("second Cookie paired %+v, want b with c", got[5])
	}
}

func TestRepeatedHeadersPairByPosition(t *testing.T) {
	a := []session.Header{{Name: "Via", Value: "1"}, {Name: "Via", Value: "2"}}
	b := []session.Header{{Name: "Via", Value: "2"}}
	got := compareHeaders(a, b, nil)
	if k := kinds(got); !slices.Equal(k, []string{"changed Via", "removed Via"}) {
		t.Fatalf("lines = %q", k)
	}
	if got[1].A.Value != "2" {
		t.Errorf("removed line holds %q, want the second Via", got[1].A.Value)
	}
}

func TestHeaderOnlyInB(t *testing.T) {
	got := compareHeaders(nil, []session.Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}, nil)
	if k := kinds(got); !slices.Equal(k, []string{"added A", "added B"}) {
		t.Fatalf("lines = %q", k)
	}
	crossed := compareHeaders([]session.Header{{Name: "X"}, {Name: "Y"}}, []session.Header{{Name: "Y"}, {Name: "X"}}, nil)
	if k := kinds(crossed); !slices.Equal(k, []string{"same X", "same Y"}) {
		t.Errorf("reordered headers = %q, want both same", k)
	}
}

func TestDateIgnored(t *testing.T) {
	a := exch(t, getReq, respWith("200 OK", []string{"Date: Tue, 13 May 2008 20:14:45 GMT", "Server: x"}, "hi"))
	b := exch(t, getReq, respWith("200 OK", []string{"Date: Wed, 14 May 2008 08:00:00 GMT", "Server: x"}, "hi"))
	r := Compare(a, b, DefaultOptions())
	if !r.Equal() || r.Summary() != "identical" {
		t.Fatalf("only Date differs, got Equal %v, %q", r.Equal(), r.Summary())
	}
	date := r.Response.Headers[0]
	if date.Name() != "Date" || date.Kind != Changed || !date.Ignored {
		t.Errorf("Date line = %+v, want changed and ignored", date)
	}
	strict := Compare(a, b, Options{})
	if strict.Equal() || strict.Summary() != "1 header changed" {
		t.Errorf("without ignore: Equal %v, %q", strict.Equal(), strict.Summary())
	}
	lower := Compare(a, b, Options{Ignore: []string{"date"}})
	if !lower.Equal() {
		t.Error("Ignore is not case-insensitive")
	}
}

func TestJSONKeyOrderEqual(t *testing.T) {
	ct := []string{"Content-Type: application/json"}
	a := exch(t, getReq, respWith("200 OK", ct, `{"a":1,"b":[1,2],"c":{"y":null,"x":"<&>"}}`))
	b := exch(t, getReq, respWith("200 OK", ct, "{ \"c\": {\"x\": \"<&>\", \"y\": null},\n  \"b\": [1, 2], \"a\": 1 }\n"))
	r := Compare(a, b, DefaultOptions())
	body := r.Response.Body
	if body.Kind != BodyJSON || !body.Same || body.Offset < 0 {
		t.Fatalf("body = %+v, want same JSON with raw bytes differing", body)
	}
	if len(body.Notes) != 1 || !strings.Contains(body.Notes[0], "key order") {
		t.Errorf("notes = %q", body.Notes)
	}
	// Content-Length differs, the body does not.
	if got := r.Summary(); got != "1 header changed" {
		t.Errorf("Summary = %q", got)
	}
	for _, l := range body.Lines {
		if strings.Contains(l.Text, `\u003c`) {
			t.Errorf("HTML-escaped line %q", l.Text)
		}
	}
}

func TestJSONValueChange(t *testing.T) {
	a := exch(t, getReq, respWith("200 OK", nil, `{"a":1,"b":2}`))
	b := exch(t, getReq, respWith("200 OK", nil, `{"b":3,"a":1}`))
	r := Compare(a, b, DefaultOptions())
	body := r.Response.Body
	if body.Kind != BodyJSON || body.Same || body.Inserted != 1 || body.Deleted != 1 {
		t.Fatalf("body = %+v", body)
	}
	var changed []string
	for _, l := range body.Lines {
		if l.Op != Equal {
			changed = append(changed, l.String())
		}
	}
	if want := []string{`-  "b": 2`, `+  "b": 3`}; !slices.Equal(changed, want) {
		t.Errorf("changed lines = %q, want %q", changed, want)
	}
	if got := r.Summary(); got != "body (JSON): +1 −1 lines" {
		t.Errorf("Summary = %q", got)
	}
}

func TestTextLineDiff(t *testing.T) {
	a, b := "one\ntwo\nthree\n", "one\n2\nthree\nfour\n"
	r := Compare(exch(t, getReq, respWith("200 OK", nil, a)), exch(t, getReq, respWith("200 OK", nil, b)), Options{Ignore: []string{"content-length"}})
	body := r.Response.Body
	var got []string
	for _, l := range body.Lines {
		got = append(got, l.String())
	}
	want := []string{" one", "-two", "+2", " three", "+four"}
	if !slices.Equal(got, want) {
		t.Fatalf("lines = %q, want %q", got, want)
	}
	if rebuild(body.Lines, false) != a || rebuild(body.Lines, true) != b {
		t.Error("lines do not rebuild both bodies")
	}
	if got := r.Summary(); got != "body: +2 −1 lines" {
		t.Errorf("Summary = %q", got)
	}
}

func TestMissingFinalNewline(t *testing.T) {
	lines, ins, del := lineDiff("a\nb", "a\nb\n")
	if ins != 1 || del != 1 || !lines[1].NoEOL || lines[2].NoEOL || lines[1].Text != "b" {
		t.Fatalf("lines = %+v", lines)
	}
	if rebuild(lines, false) != "a\nb" || rebuild(lines, true) != "a\nb\n" {
		t.Error("lines do not rebuild both texts")
	}
	crlf, _, _ := lineDiff("x\r\n", "x\n")
	if len(crlf) != 2 || crlf[0].Text != "x\r" {
		t.Errorf("CRLF vs LF = %+v, want the CR kept visible", crlf)
	}
}

func TestRequestBodyDiff(t *testing.T) {
	post := func(body string) string {
		return "POST /event HTTP/1.1\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	r := Compare(exch(t, post("a\n"), ""), exch(t, post("b\n"), ""), Options{Ignore: []string{"Content-Length"}})
	if got := r.Summary(); got != "request body: +1 −1 lines" {
		t.Errorf("Summary = %q", got)
	}
	if r.Request.Equal() || r.Equal() {
		t.Error("different request bodies compare equal")
	}
}
