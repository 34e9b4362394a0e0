package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
)

// renderedLabels returns the text of every label drawn inside o.
func renderedLabels(o fyne.CanvasObject) []string {
	var out []string
	walk(o, nil, func(o fyne.CanvasObject, _ fyne.Tappable) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

func TestTimingFollowsTheSelectedExchange(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.in.detail.selectTab("Timing")
	for _, tc := range []struct {
		row string
		i   int32
	}{{"→ ptth POST", 0}, {"← ptth GET", 1}, {"→ ptth POST", 0}} {
		h.tapRow(tc.row)
		h.waitFor("the detail to show "+tc.row, func() bool { return h.in.detail.ex != nil })
		e := h.in.model.Row(tc.i)
		want := stamp(e.Request.First)
		shown := renderedLabels(h.in.detail.timing.box)
		if h.in.detail.timing.field("Request started") != want || !slices.Contains(shown, want) {
			t.Fatalf("after tapping %q, Timing shows %q, want Request started %s", tc.row, shown, want)
		}
	}
}

func TestResponseTitleNamesInterimResponses(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	steps := []step{
		{session.FromClient, []byte("PUT /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")},
		{session.FromUpstream, []byte("HTTP/1.1 100 Continue\r\n\r\n")},
		{session.FromClient, []byte("ok")},
		{session.FromUpstream, []byte("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")},
	}
	runClient(t, h.live(tinyUpstream(t, steps)), steps)
	h.waitFor("the PUT", func() bool { return h.in.model.Exchanges() == 1 && !h.in.model.Row(0).Pending() })
	h.tapRow("PUT /x")
	h.in.detail.selectTab("Response")
	if got := h.in.detail.response.title.Text; !strings.HasPrefix(got, "Response from upstream after 100 Continue, 103 Early Hints · 1 header · ") {
		t.Fatalf("response title %q", got)
	}
	if got := h.rowTexts(); len(got) != 1 || !strings.Contains(got[0], "201 Created") {
		t.Fatalf("rows %q", got)
	}
}

// TestSessionHintsFindTheirExchange: the seed upgrade's hints (no
// Connection: Upgrade, Content-Length on the 101) are the upgrade
// exchange's too: hint:any finds it, and its Hints tab lists each once.
func TestSessionHintsFindTheirExchange(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.in.filterBar.entry.SetText("hint:no-connection-upgrade")
	if got := h.rowTexts(); len(got) < 1 || !strings.HasPrefix(got[0], "→ ptth POST /") {
		t.Fatalf("hint:no-connection-upgrade rows %q", got)
	}
	h.in.filterBar.entry.SetText("")
	h.tapRow("→ ptth POST")
	all := richText(h.in.detail.hints.text.Segments)
	if strings.Count(all, "no-connection-upgrade") != 1 || strings.Count(all, "content-length-on-101") != 1 {
		t.Fatalf("Hints tab:\n%s", all)
	}
	if h.in.detail.tabs.Items[3].Text != "Hints ⚠" {
		t.Fatalf("Hints tab title %q", h.in.detail.tabs.Items[3].Text)
	}
}

// richText joins the text of rich text segments, lists included.
func richText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, seg := range segs {
		switch x := seg.(type) {
		case *widget.ListSegment:
			b.WriteString(richText(x.Items))
		case *widget.ParagraphSegment:
			b.WriteString(richText(x.Texts))
		default:
			b.WriteString(seg.Textual() + "\n")
		}
	}
	return b.String()
}

// TestHeadersTakeTheRoomOfAnEmptyBody: a message without a body gives its
// headers most of the tab, and the split comes back for one with a body.
func TestHeadersTakeTheRoomOfAnEmptyBody(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	v := h.in.detail.response
	h.tapRow("→ ptth POST") // a 101: no body
	if v.split.Offset != headRoom {
		t.Fatalf("101 response: split at %v", v.split.Offset)
	}
	h.tapRow("← ptth GET") // 200 with a short body
	if v.split.Offset != shortBodyRoom {
		t.Fatalf("response with a short body: split at %v", v.split.Offset)
	}
	v.show(&session.Message{Proto: "HTTP/1.1", Status: 200, BodyLen: 4096, Raw: []byte("HTTP/1.1 200 OK\r\n\r\n"), HeadLen: 19}, "Response")
	if v.split.Offset != 0.4 {
		t.Fatalf("response with a long body: split at %v, want the person's 0.4 back", v.split.Offset)
	}
}

// TestDetailSaysWhenItsExchangeIsHidden: a filter that hides the exchange
// shown leaves it shown, marked as out of the timeline.
func TestDetailSaysWhenItsExchangeIsHidden(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	seedUpgrade(t, h)
	h.tapRow("← ptth GET")
	if h.in.detail.hidden.Visible() {
		t.Fatal("marked hidden while in the timeline")
	}
	h.in.filterBar.entry.SetText("dir:forward")
	if !h.in.detail.hidden.Visible() || h.in.detail.ex == nil || h.in.detail.ex.Request.Method != "GET" {
		t.Fatalf("hidden by the filter: marked %v, shown %+v", h.in.detail.hidden.Visible(), h.in.detail.ex)
	}
	h.in.filterBar.entry.SetText("")
	if h.in.detail.hidden.Visible() {
		t.Fatal("still marked once the filter lets it back")
	}
	// Choosing a row the timeline shows clears the mark at once.
	h.in.filterBar.entry.SetText("dir:forward")
	h.tapRow("POST")
	if h.in.detail.hidden.Visible() || h.in.detail.ex == nil || h.in.detail.ex.Request.Method != "POST" {
		t.Fatalf("a row in the timeline chosen: marked %v, shown %+v", h.in.detail.hidden.Visible(), h.in.detail.ex)
	}
}

// A request edited at a breakpoint shows as forwarded, and the button
// swaps to what the client sent and back; Timing says how long it was held.
func TestEditedRequestShowsBothVersions(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	st := store.New(nil)
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Upstream: "127.0.0.1:9999", Started: t0})
	orig := message("GET /before HTTP/1.1\r\nHost: x\r\n\r\n", 0)
	st.PutExchange(&session.Exchange{ID: "a", Session: "s1", Seq: 1, Original: orig,
		Request:  message("DELETE /after HTTP/1.1\r\nHost: x\r\nX-Why: edited\r\n\r\n", 1500*time.Millisecond),
		Response: message("HTTP/1.1 204 No Content\r\n\r\n", 1600*time.Millisecond),
		Hints:    []session.Hint{{Code: session.HintPaused, Text: "edited at a breakpoint", Exchange: "a"}}})
	h.in.attach(st, nil)
	h.in.tick()
	h.tapRow("/after")
	v := h.in.detail.request
	if !strings.HasSuffix(v.title.Text, "edited at a breakpoint: as forwarded · 2 headers · 50 B on the wire") ||
		!strings.HasPrefix(v.head.lines.Line(0), "DELETE /after") || !v.swap.Visible() || v.swap.Text != "Show original" {
		t.Fatalf("forwarded version: title %q, first line %q, swap %q", v.title.Text, v.head.lines.Line(0), v.swap.Text)
	}
	test.Tap(v.swap)
	if !strings.Contains(v.title.Text, "before it was edited at a breakpoint · 1 header") ||
		!strings.HasPrefix(v.head.lines.Line(0), "GET /before") || v.swap.Text != "Show forwarded" {
		t.Fatalf("original version: title %q, first line %q, swap %q", v.title.Text, v.head.lines.Line(0), v.swap.Text)
	}
	if got := h.in.detail.timing.field("Held at a breakpoint"); got == "" || got == "—" {
		t.Errorf("Held at a breakpoint = %q", got)
	}
	test.Tap(v.swap)
	if !strings.HasPrefix(v.head.lines.Line(0), "DELETE /after") {
		t.Fatalf("back to forwarded: first line %q", v.head.lines.Line(0))
	}
	// An exchange that was not edited has no swap button.
	st.PutExchange(&session.Exchange{ID: "b", Session: "s1", Seq: 2, Request: message("GET /plain HTTP/1.1\r\n\r\n", 2*time.Second)})
	h.in.tick()
	h.tapRow("/plain")
	if v.swap.Visible() || !strings.HasPrefix(v.head.lines.Line(0), "GET /plain") {
		t.Errorf("plain request: swap visible %v, first line %q", v.swap.Visible(), v.head.lines.Line(0))
	}
}

// An exchange answered before its request ended (an early 101 or 413)
// has no negative wait, and its total runs to the request's end; a
// replay's request says the inspector sent it.
func TestTimingOfAnEarlyAnswerAndAReplaysSender(t *testing.T) {
	h := newHarness(t, ptheme.Light)
	st := store.New(nil)
	st.PutSession(&session.Session{ID: "s1", Client: "127.0.0.1:5000", Upstream: "127.0.0.1:9999", Started: t0})
	req := message("POST /up HTTP/1.1\r\nContent-Length: 2\r\n\r\nab", 0)
	req.Last = t0.Add(700 * time.Millisecond)
	st.PutExchange(&session.Exchange{ID: "a", Session: "s1", Seq: 1, Request: req,
		Response: message("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n", time.Millisecond)})
	st.PutExchange(&session.Exchange{ID: "b", Session: "s1", Seq: 2, Injected: true, ReplayOf: "a",
		Request: message("GET /again HTTP/1.1\r\n\r\n", time.Second)})
	h.in.attach(st, nil)
	h.in.tick()
	h.tapRow("/up")
	tv := h.in.detail.timing
	if got := tv.field("Waiting (first response byte)"); !strings.HasPrefix(got, "none: answered ") || !strings.HasSuffix(got, " before the request ended") {
		t.Errorf("wait = %q", got)
	}
	if got := tv.field("Total"); got != "700.0 ms" {
		t.Errorf("total = %q", got)
	}
	h.tapRow("/again")
	if got := h.in.detail.request.title.Text; !strings.HasPrefix(got, "Request from the inspector") {
		t.Errorf("a replay's request title: %q", got)
	}
}
