package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	"ptth-inspector/ui/body"
)

// messageView is the Request or Response tab: start line and headers in
// wire order and case, then the body.
type messageView struct {
	in    *inspector
	title *widget.Label
	head  *linesView
	body  *bodyViewer
	copy  *widget.Button
	swap  *widget.Button // shows the other of an edited request's two versions
	split *container.Split
	box   fyne.CanvasObject
	msg   *session.Message
	kept  float64 // the split's offset while a bodiless message has the room, else 0
	// An exchange edited at a breakpoint has two requests: the one that
	// went on (sent) and the one its sender sent (orig); swap shows either.
	sent, orig *session.Message
	origShown  bool
	what       string
}

// headRoom is the split offset that gives the headers most of the tab when
// the message has no body.
const headRoom = 0.85

func newMessageView(in *inspector) *messageView {
	v := &messageView{in: in, title: widget.NewLabel(""), head: newLinesView(), body: newBodyViewer(in)}
	v.title.TextStyle.Bold = true
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.copy = widget.NewButtonWithIcon("Copy headers", fynetheme.ContentCopyIcon(), func() {
		in.app.Clipboard().SetContent(strings.Join(body.HeadLines(v.msg), "\n"))
	})
	v.swap = widget.NewButtonWithIcon("Show original", fynetheme.HistoryIcon(), func() {
		v.origShown = !v.origShown
		v.showVersion()
	})
	v.swap.Hide()
	top := container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(v.swap, v.copy), v.title), nil, nil, nil, v.head.object())
	v.split = container.NewVSplit(top, v.body.object())
	v.split.Offset = 0.4
	v.box = v.split
	return v
}

func (v *messageView) object() fyne.CanvasObject { return v.box }

// showEdited displays a request edited at a breakpoint: sent, as it went
// on, or orig, as its sender sent it, as the swap button chooses (the
// choice stays while the same exchange is shown).
func (v *messageView) showEdited(sent, orig *session.Message, what string) {
	if orig != v.orig {
		v.origShown = false
	}
	v.sent, v.orig, v.what = sent, orig, what
	v.swap.Show()
	v.showVersion()
}

func (v *messageView) showVersion() {
	if v.origShown {
		v.swap.SetText("Show forwarded")
		v.showMessage(v.orig, v.what+", before it was edited at a breakpoint")
		return
	}
	v.swap.SetText("Show original")
	v.showMessage(v.sent, v.what+", edited at a breakpoint: as forwarded")
}

// show displays m; what says whose message it is ("request from upstream").
func (v *messageView) show(m *session.Message, what string) {
	v.sent, v.orig = nil, nil
	v.swap.Hide()
	v.showMessage(m, what)
}

func (v *messageView) showMessage(m *session.Message, what string) {
	same := m == v.msg
	v.msg = m
	if m == nil {
		v.title.SetText(what)
		v.head.set(nil)
		v.body.show(nil)
		return
	}
	if in := m.Interim(); len(in) > 0 {
		for i, line := range in {
			_, in[i], _ = strings.Cut(line, " ") // "100 Continue"
		}
		what += " after " + strings.Join(in, ", ")
	}
	v.title.SetText(fmt.Sprintf("%s · %s · %s on the wire", what, plural(len(m.Headers), "header"), byteSize(wireLen(m))))
	if same {
		return
	}
	v.head.set(body.HeadLines(m))
	v.body.show(m)
	v.fitHead(m)
}

// fitHead gives the headers most of the tab while a message has no body
// (headRoom) or a short one (shortBodyRoom), and gives back the offset the
// person had when one with a longer body comes.
func (v *messageView) fitHead(m *session.Message) {
	room := 0.0
	switch {
	case m == nil:
	case m.BodyLen == 0 && !m.Chunked && m.Raw != nil && len(m.Raw) <= m.HeadLen:
		room = headRoom
	case m.BodyLen <= shortBody:
		room = shortBodyRoom
	}
	switch {
	case room != 0:
		if v.kept == 0 {
			v.kept = v.split.Offset
		}
		v.split.SetOffset(room)
	case v.kept != 0:
		v.split.SetOffset(v.kept)
		v.kept = 0
	}
}

// A body of at most shortBody bytes fits in a few lines: the headers get
// shortBodyRoom of the tab.
const (
	shortBody     = 160
	shortBodyRoom = 0.7
)

// wireLen returns how many bytes of m crossed the wire (as captured).
func wireLen(m *session.Message) int64 {
	if m.Raw != nil || m.Ref == nil {
		return int64(len(m.Raw))
	}
	return m.Ref.Len
}

// plural writes "1 header" or "3 headers" ("20,000 exchanges").
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return thousands(n) + " " + thing + "s"
}
