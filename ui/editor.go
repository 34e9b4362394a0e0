package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/proxy/engine"
	"ptth-inspector/session"
	"ptth-inspector/session/edit"
	ptheme "ptth-inspector/theme"
)

// editor is one "Edit & replay" window: a structured view (start line,
// header table, body) and a raw view of the same request, kept in sync
// through edit.Request, and the controls that send it.
type editor struct {
	in        *inspector
	win       fyne.Window
	ctx       context.Context // sends and repeats; cancelled when the window closes
	cancel    context.CancelFunc
	orig      *session.Exchange // the exchange it was opened from; nil for a new request
	origID    string            // what sends replay (ReplayOf); "" once a template replaced the request
	sessionID string            // the flipped session a reverse replay writes into
	req       edit.Request
	form      bodyForm
	syncing   bool // set while views are filled from req

	lazyPending bool      // a render of the other view waits for a pause in typing
	lazySrc     source    // the view being typed in
	lazyAt      time.Time // the last keystroke

	template  *widget.Select
	method    *widget.Entry
	target    *widget.Entry
	proto     *widget.Entry
	headers   *headerTable
	bodyEntry *widget.Entry
	bodyRO    *linesView
	roBody    []byte        // the body bodyRO shows
	bodyInfo  *widget.Label // the body's size
	bodyWhy   *widget.Label // why the body is read-only
	lineEnds  *widget.Select
	raw       *widget.Entry
	rawInfo   *widget.Label
	rawErr    *widget.Label
	autoLen   *widget.Check
	wireInfo  *widget.Label
	note      *widget.Label

	kind      *widget.Select
	sessSel   *widget.Select
	sessBox   *fyne.Container   // sessSel, shown for reverse replays
	sessIDs   map[string]string // session choice label → id
	clients   *widget.Label
	send      *widget.Button
	count     *widget.Entry
	pipelined *widget.Check
	repeat    *widget.Button
	diffBtn   *widget.Button
	status    *widget.Label
	lastID    string // the exchange the last send made
}

// Line-end choices for an editable body.
const (
	endsLF   = "LF line ends"
	endsCRLF = "CRLF line ends"
)

// openEditor opens an editor for ex's request (nil: a new request from the
// first template).
func (in *inspector) openEditor(ex *session.Exchange) *editor {
	if ex != nil && ex.Request == nil {
		dialog.ShowInformation("Edit & replay", "This exchange has no request to edit (a response nobody asked for).", in.win)
		return nil
	}
	e := &editor{in: in, orig: ex, sessIDs: map[string]string{}}
	req := edit.Templates()[0].Request
	title := "New request"
	if ex != nil {
		r, err := edit.FromMessage(ex.Request)
		if err != nil && !errors.Is(err, edit.ErrTruncated) {
			dialog.ShowError(fmt.Errorf("cannot edit this request: %w", err), in.win)
			return nil
		}
		req, e.origID, e.sessionID = r, ex.ID, ex.Session
		title = "Edit & replay " + ex.Request.Method + " " + clip(ex.Request.Target, 40)
	}
	e.win = in.app.NewWindow(title + " — PTTH Inspector")
	e.build()
	e.load(req)
	k := engine.KindOf(ex)
	e.kind.SetSelected(k.String())
	if ex == nil {
		e.template.SetSelected(edit.Templates()[0].Name)
	}
	e.refreshTargets()
	e.win.Resize(fyne.NewSize(1120, 720))
	e.win.Show()
	in.rp.lastEditor = e
	return e
}

// build makes the editor's widgets and lays them out.
func (e *editor) build() {
	names := []string{}
	for _, t := range edit.Templates() {
		names = append(names, t.Name)
	}
	e.template = widget.NewSelect(names, e.applyTemplate)
	e.template.PlaceHolder = "Start from a template…"
	e.method, e.target, e.proto = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	for _, en := range []*widget.Entry{e.method, e.target, e.proto} {
		en.TextStyle = ptheme.Mono
		en.OnChanged = func(string) { e.structuredChanged() }
	}
	e.method.SetPlaceHolder("METHOD")
	e.target.SetPlaceHolder("/target")
	e.proto.SetPlaceHolder("HTTP/1.1")
	e.headers = newHeaderTable(e.structuredChanged)
	e.bodyEntry = widget.NewMultiLineEntry()
	e.bodyEntry.TextStyle = ptheme.Mono
	e.bodyEntry.Wrapping = fyne.TextWrapOff
	e.bodyEntry.SetPlaceHolder("(no body)")
	e.bodyEntry.OnChanged = func(string) { e.structuredChanged() }
	e.bodyRO = newLinesView()
	e.bodyInfo = widget.NewLabel("")
	e.bodyWhy = widget.NewLabel("")
	e.bodyWhy.Wrapping = fyne.TextWrapWord
	e.bodyWhy.Importance = widget.WarningImportance
	e.bodyWhy.Hide()
	e.lineEnds = widget.NewSelect([]string{endsLF, endsCRLF}, e.setLineEnds)
	clearBody := widget.NewButtonWithIcon("Clear body", fynetheme.ContentClearIcon(), e.clearBody)
	clearBody.Importance = widget.LowImportance
	e.raw = widget.NewMultiLineEntry()
	e.raw.TextStyle = ptheme.Mono
	e.raw.Wrapping = fyne.TextWrapOff
	e.raw.OnChanged = e.rawChanged
	e.rawInfo = widget.NewLabel("")
	e.rawInfo.Wrapping = fyne.TextWrapWord
	e.rawErr = widget.NewLabel("")
	e.rawErr.Importance = widget.DangerImportance
	e.rawErr.Wrapping = fyne.TextWrapWord
	e.rawErr.Hide()
	e.autoLen = widget.NewCheck("Keep Content-Length right", e.setAutoLength)
	e.wireInfo = widget.NewLabel("")
	e.wireInfo.Wrapping = fyne.TextWrapWord
	e.wireInfo.Importance = widget.LowImportance
	e.note = widget.NewLabel("")
	e.note.Wrapping = fyne.TextWrapWord
	e.note.Importance = widget.WarningImportance
	e.note.Hide()
	e.buildSend()

	start := container.New(&columns{widths: []float32{110, 0, 110}, flex: 1}, e.method, e.target, e.proto)
	headTitle := widget.NewLabelWithStyle("Headers (wire order)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(container.NewVBox(start, headTitle), nil, nil, nil,
		container.NewVScroll(e.headers.object()))
	bodyBar := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Body", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(e.lineEnds, clearBody), e.bodyInfo)
	bodyPane := container.NewBorder(container.NewVBox(bodyBar, e.bodyWhy), nil, nil, nil, container.NewStack(e.bodyEntry, e.bodyRO.object()))
	structured := container.NewVSplit(top, bodyPane)
	structured.Offset = 0.55
	rawTitle := widget.NewLabelWithStyle("Raw request", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rawPane := container.NewBorder(container.NewVBox(rawTitle, e.rawInfo), e.rawErr, nil, nil, e.raw)
	split := container.NewHSplit(structured, rawPane)
	split.Offset = 0.52
	head := container.NewVBox(e.sendBar(), e.clients, e.note)
	foot := container.NewVBox(container.NewBorder(nil, nil, e.autoLen, nil, e.wireInfo), e.repeatBar(), e.status)
	e.win.SetContent(container.NewBorder(head, foot, nil, nil, split))
	e.win.Canvas().AddShortcut(shortcutFor(fyne.KeyReturn), func(fyne.Shortcut) { e.sendNow() })
}

// load replaces the edited request with r and fills every view.
func (e *editor) load(r edit.Request) {
	e.req = r
	e.form = classifyBody(r.Body)
	if r.Note != "" {
		e.note.SetText("Note: " + r.Note)
		e.note.Show()
	} else {
		e.note.Hide()
	}
	e.render(srcNone)
}

// applyTemplate replaces the request with the named template's; the
// editor then sends a new request, not a replay.
func (e *editor) applyTemplate(name string) {
	if e.syncing {
		return
	}
	for _, t := range edit.Templates() {
		if t.Name == name {
			e.origID = ""
			e.load(t.Request)
			if t.Request.Proto == "PTTH/1.0" {
				e.kind.SetSelected(engine.Comet.String())
			}
			e.say("Template " + name + " loaded: sending makes a new request, not a replay.")
			return
		}
	}
}

// say shows a message in the status line; fail shows an error there.
func (e *editor) say(msg string) {
	e.status.Importance = widget.MediumImportance
	e.status.SetText(msg)
}

func (e *editor) fail(err error) {
	e.status.Importance = widget.DangerImportance
	e.status.SetText("⚠ " + err.Error())
}
