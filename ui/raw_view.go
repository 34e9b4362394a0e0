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

// rawView is the Raw tab: the exact wire bytes of request and response
// (Message.Wire), as marked transcript lines or as hex.
type rawView struct {
	in    *inspector
	info  *widget.Label
	note  *widget.Label // unreadable bytes, what COMET bytes are; hidden when empty
	mode  *widget.RadioGroup
	lines *linesView
	box   fyne.CanvasObject
	req   []byte
	resp  []byte
	sides [2]session.Side
}

func newRawView(in *inspector) *rawView {
	v := &rawView{in: in, info: widget.NewLabel(""), note: widget.NewLabel(""), lines: newLinesView()}
	v.info.Truncation = fyne.TextTruncateEllipsis
	v.note.Wrapping = fyne.TextWrapWord
	v.note.Hide()
	v.mode = widget.NewRadioGroup([]string{"text", "hex"}, nil)
	v.mode.Horizontal = true
	v.mode.SetSelected("text")
	v.mode.OnChanged = func(string) { v.render() }
	copyReq := widget.NewButtonWithIcon("Copy request bytes", fynetheme.ContentCopyIcon(), func() {
		in.app.Clipboard().SetContent(string(v.req))
	})
	copyResp := widget.NewButtonWithIcon("Copy response bytes", fynetheme.ContentCopyIcon(), func() {
		in.app.Clipboard().SetContent(string(v.resp))
	})
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.mode, copyReq, copyResp), v.info)
	v.box = container.NewBorder(container.NewVBox(bar, v.note), nil, nil, nil, v.lines.object())
	return v
}

func (v *rawView) object() fyne.CanvasObject { return v.box }

func (v *rawView) show(e *session.Exchange) {
	v.req, v.resp = nil, nil
	var errs []error
	if e.Request != nil {
		b, err := e.Request.Wire()
		v.req = b
		errs = append(errs, err)
	}
	if e.Response != nil {
		b, err := e.Response.Wire()
		v.resp = b
		errs = append(errs, err)
	}
	v.sides[0], v.sides[1] = wireSides(e)
	info := fmt.Sprintf("request %s %s · response %s %s · %s marks the line ends",
		v.sides[0].Marker(), byteSize(int64(len(v.req))), v.sides[1].Marker(), byteSize(int64(len(v.resp))), body.CRLFMark)
	var notes []string
	for _, err := range errs {
		if err != nil {
			notes = append(notes, err.Error())
		}
	}
	if e.Transport == session.COMET {
		notes = append(notes, "COMET: these bytes are the event and the reply rebuilt from the JSON that rode in the carrying exchanges' bodies (Timing › Carried by); those exchanges hold the bytes as they crossed the wire.")
	}
	v.info.SetText(info)
	v.note.SetText(strings.Join(notes, "\n"))
	if len(notes) == 0 {
		v.note.Hide()
	} else {
		v.note.Show()
	}
	v.render()
}

func (v *rawView) render() {
	if v.mode.Selected == "hex" {
		v.lines.set(body.Join(
			body.StringLines{fmt.Sprintf("%s request, %d bytes", v.sides[0].Marker(), len(v.req))}, body.HexLines(v.req),
			body.StringLines{"", fmt.Sprintf("%s response, %d bytes", v.sides[1].Marker(), len(v.resp))}, body.HexLines(v.resp)))
		return
	}
	v.lines.set(body.NewWireLines(body.WireMessage{Side: v.sides[0], Bytes: v.req}, body.WireMessage{Side: v.sides[1], Bytes: v.resp}))
}
