package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2/widget"

	"ptth-inspector/ui/body"
)

// source says which view an edit came from, so that view is not rewritten
// under the cursor.
type source int

const (
	srcNone source = iota
	srcStructured
	srcRaw
)

// structuredChanged reads the structured view into the request after a
// person edited it.
func (e *editor) structuredChanged() {
	if e.syncing || e.stale(srcStructured) {
		return
	}
	e.req.Method = strings.TrimSpace(e.method.Text)
	e.req.Target = strings.TrimSpace(e.target.Text)
	e.req.Proto = strings.TrimSpace(e.proto.Text)
	e.req.Headers = e.headers.headers()
	if e.form.editable {
		e.req.Body = textBody(e.bodyEntry.Text, e.form)
	}
	e.afterEdit(srcStructured)
}

// rawChanged parses the raw view after a person edited it. A parse error
// shows under the raw view and leaves the request (and the structured
// view) as they were.
func (e *editor) rawChanged(text string) {
	if e.syncing || e.stale(srcRaw) {
		return
	}
	r, err := parseRaw(text, e.form, e.req.Body)
	if err != nil {
		e.rawErr.SetText("⚠ " + err.Error() + " — the structured view keeps the last request that parsed.")
		e.rawErr.Show()
		return
	}
	e.rawErr.Hide()
	e.req.Method, e.req.Target, e.req.Proto = r.Method, r.Target, r.Proto
	e.req.Headers, e.req.Body = r.Headers, r.Body
	e.afterEdit(srcRaw)
}

// afterEdit keeps Content-Length right when asked, switches a body that
// grew too big to read-only, and refreshes the views that did not change.
func (e *editor) afterEdit(src source) {
	if e.req.AutoLength {
		syncLength(e.req.Headers, len(e.req.Body))
	}
	if e.form.editable && len(e.req.Body) > editBodyLimit {
		e.form = classifyBody(e.req.Body)
		src = srcNone
	}
	if src != srcNone && e.form.editable && len(e.req.Body) > lazyAbove {
		e.renderViews(src, false)
		e.later(src)
		return
	}
	e.render(src)
}

// lazyAbove is the body size above which a keystroke updates the other
// view only after a pause in typing: rewriting a big Entry costs tens of
// milliseconds.
const (
	lazyAbove = 8 << 10
	lazyPause = 300 * time.Millisecond
)

// later renders the view src did not edit once typing pauses.
func (e *editor) later(src source) {
	e.lazySrc, e.lazyAt = src, time.Now()
	if e.lazyPending {
		return
	}
	e.lazyPending = true
	var check func()
	check = func() {
		if !e.lazyPending {
			return
		}
		if wait := lazyPause - time.Since(e.lazyAt); wait > 0 {
			time.AfterFunc(wait, func() { e.in.do(check) })
			return
		}
		e.render(e.lazySrc)
	}
	time.AfterFunc(lazyPause, func() { e.in.do(check) })
}

// stale reports an edit in the view that still waits for a lazy render of
// the other view's edits: that render runs now, replacing the keystroke,
// so that no edit is lost.
func (e *editor) stale(src source) bool {
	if !e.lazyPending || e.lazySrc == src {
		return false
	}
	e.render(e.lazySrc)
	return true
}

// setAutoLength turns "Keep Content-Length right" on or off.
func (e *editor) setAutoLength(on bool) {
	if e.syncing {
		return
	}
	e.req.AutoLength = on
	e.afterEdit(srcNone)
}

// setLineEnds chooses how an editable body's line ends go out.
func (e *editor) setLineEnds(choice string) {
	if e.syncing || !e.form.editable {
		return
	}
	e.form.crlf = choice == endsCRLF
	e.req.Body = textBody(e.bodyEntry.Text, e.form)
	e.afterEdit(srcNone)
}

// clearBody empties the body, which makes it editable again.
func (e *editor) clearBody() {
	e.req.Body = nil
	e.form = bodyForm{editable: true, crlf: e.form.crlf}
	e.afterEdit(srcNone)
}

// render fills every view from the request except the one being edited.
func (e *editor) render(src source) { e.renderViews(src, true) }

// renderViews is render; with others false it leaves the start line, the
// body and the raw text alone and refreshes only what is cheap.
func (e *editor) renderViews(src source, others bool) {
	e.syncing = true
	defer func() { e.syncing = false }()
	if others {
		e.lazyPending = false
	}
	r := &e.req
	if src != srcStructured && others {
		setText(e.method, r.Method)
		setText(e.target, r.Target)
		setText(e.proto, r.Proto)
		e.headers.set(r.Headers)
		if e.form.editable {
			setText(e.bodyEntry, bodyText(r.Body, e.form))
		}
	} else if r.AutoLength {
		e.headers.setLength(len(r.Body))
	}
	if src != srcRaw && others {
		setText(e.raw, rawText(*r, e.form))
		e.rawErr.Hide()
	}
	e.headers.setLengthLocked(r.AutoLength)
	e.autoLen.SetChecked(r.AutoLength)
	e.renderBody()
	note, warn := wireNote(*r)
	e.wireInfo.Importance = widget.LowImportance
	if warn {
		e.wireInfo.Importance = widget.WarningImportance
	}
	e.wireInfo.SetText(note)
	e.rawInfo.SetText(e.rawNote())
}

// renderBody shows an editable body in the entry, a read-only one in a
// line list with the reason.
func (e *editor) renderBody() {
	f := e.form
	n := byteSize(int64(len(e.req.Body)))
	if f.editable {
		e.bodyRO.object().Hide()
		e.bodyEntry.Show()
		e.lineEnds.Enable()
		ends := endsLF
		if f.crlf {
			ends = endsCRLF
		}
		e.lineEnds.SetSelected(ends)
		e.bodyInfo.SetText(n)
		e.bodyWhy.Hide()
		return
	}
	e.bodyEntry.Hide()
	e.lineEnds.Disable()
	if b := e.req.Body; len(b) != len(e.roBody) || len(b) > 0 && &b[0] != &e.roBody[0] {
		e.roBody = b
		if utf8.Valid(b) && !hasControl(b) {
			e.bodyRO.set(body.NewTextLines(b))
		} else {
			e.bodyRO.set(body.HexLines(b))
		}
	}
	e.bodyRO.object().Show()
	e.bodyInfo.SetText(n + ", read-only")
	e.bodyWhy.SetText(f.why + " “Clear body” to type a new one.")
	e.bodyWhy.Show()
}

// rawNote explains the raw view's line ends and a body it leaves out.
func (e *editor) rawNote() string {
	s := "Exactly what is sent; line ends show as LF. The head goes out with CRLF"
	switch {
	case e.req.Unedited():
		s = "Exactly the captured bytes while nothing is edited; line ends show as LF"
	case !e.form.editable:
	case e.form.crlf:
		s += ", the body with CRLF"
	case len(e.req.Body) > 0:
		s += ", the body with LF"
	}
	if !e.form.editable {
		s += fmt.Sprintf(". The %s body is not shown here (read-only) and is sent unchanged", byteSize(int64(len(e.req.Body))))
	}
	return s + "."
}

// setText writes s into en unless it already holds it, so the cursor and
// the undo history survive.
func setText(en *widget.Entry, s string) {
	if en.Text != s {
		en.SetText(s)
	}
}
