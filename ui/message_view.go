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
	split *container.Split
	box   fyne.CanvasObject
	msg   *session.Message
	kept  float64 // the split's offset while a bodiless message has the room, else 0
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
	top := container.NewBorder(container.NewBorder(nil, nil, nil, v.copy, v.title), nil, nil, nil, v.head.object())
	v.split = container.NewVSplit(top, v.body.object())
	v.split.Offset = 0.4
	v.box = v.split
	return v
}

func (v *messageView) object() fyne.CanvasObject { return v.box }

// show displays m; what says whose message it is ("request from upstream").
func (v *messageView) show(m *session.Message, what string) {
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
