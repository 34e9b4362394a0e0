package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
)

// timingView is the Timing tab: when each byte crossed the relay, the
// phases between, and for COMET the exchanges that carried it.
type timingView struct {
	in   *inspector
	form *fyne.Container // holds one widget.Form, made anew for each exchange
	jump *fyne.Container
	box  fyne.CanvasObject
}

func newTimingView(in *inspector) *timingView {
	v := &timingView{in: in, form: container.NewStack(widget.NewForm()), jump: container.NewVBox()}
	v.box = container.NewVScroll(container.NewVBox(v.form, v.jump))
	return v
}

// field returns the text shown beside the named field ("" when absent).
func (v *timingView) field(name string) string {
	for _, it := range v.form.Objects[0].(*widget.Form).Items {
		if l, ok := it.Widget.(*widget.Label); ok && it.Text == name {
			return l.Text
		}
	}
	return ""
}

func (v *timingView) object() fyne.CanvasObject { return v.box }

func (v *timingView) show(e *session.Exchange) {
	// A fresh form each time: widget.Form keeps the widgets of the rows it
	// has rendered, so emptying its Items and appending again would leave
	// the first row showing the first exchange ever shown.
	form := widget.NewForm()
	add := func(k, val string) {
		l := widget.NewLabel(val)
		l.Wrapping = fyne.TextWrapWord
		form.Append(k, l)
	}
	rq, rs := e.Request, e.Response
	if o := e.Original; o != nil && rq != nil {
		add("Held at a breakpoint", phase(o.Last, rq.First))
	}
	if rq != nil {
		add("Request started", stamp(rq.First))
		add("Request sent", phase(rq.First, rq.Last))
	}
	if rs != nil && rq != nil {
		wait := phase(rq.Last, rs.First)
		if !rs.First.IsZero() && rs.First.Before(rq.Last) { // answered early (a 413 mid-upload, say)
			wait = "none: answered " + duration(rq.Last.Sub(rs.First)) + " before the request ended"
		}
		add("Waiting (first response byte)", wait)
		add("Response received", phase(rs.First, rs.Last))
		add("Total", duration(e.Duration()))
	} else if e.Error != "" {
		add("Failed", e.Error)
	} else {
		add("Response", "pending…")
	}
	add("Direction", fmt.Sprintf("%s %s over %s", arrowOf(e.Direction), e.Direction, e.Transport))
	add("Sequence in session", fmt.Sprint(e.Seq))
	if e.MessageID != "" {
		add("COMET message-id", e.MessageID)
	}
	if e.ReplayOf != "" {
		add("Replay of", v.in.exchangeName(e.ReplayOf, true))
	}
	v.form.Objects = []fyne.CanvasObject{form}
	v.form.Refresh()
	v.jump.Objects = nil
	links := e.Carriers
	label := "Carried by:"
	if len(e.Carries) > 0 {
		links, label = e.Carries, "Carries COMET:"
	}
	if len(links) > 0 {
		row := container.NewHBox(widget.NewLabel(label))
		for _, id := range links {
			row.Add(widget.NewButton(v.in.exchangeName(id, false), func() { v.in.jumpTo(id) }))
		}
		v.jump.Add(row)
	}
	if id := e.ReplayOf; id != "" {
		v.jump.Add(container.NewHBox(widget.NewButton("Go to the original", func() { v.in.jumpTo(id) })))
	}
	v.jump.Refresh()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04:05.000000")
}

func phase(a, b time.Time) string {
	if a.IsZero() || b.IsZero() {
		return "—"
	}
	return duration(b.Sub(a))
}

// hintsView is the Hints tab: the exchange's hints, then its session's.
type hintsView struct {
	text *widget.RichText
	box  fyne.CanvasObject
}

func newHintsView() *hintsView {
	v := &hintsView{text: widget.NewRichText()}
	v.text.Wrapping = fyne.TextWrapWord
	v.box = container.NewVScroll(v.text)
	return v
}

func (v *hintsView) object() fyne.CanvasObject { return v.box }

func (v *hintsView) show(e *session.Exchange, s *session.Session) {
	var b strings.Builder
	write := func(title string, hs []session.Hint) {
		if len(hs) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n", title)
		for _, h := range hs {
			fmt.Fprintf(&b, "- **%s** — %s\n", h.Code, h.Text)
		}
		b.WriteString("\n")
	}
	write("This exchange", e.Hints)
	if s != nil {
		// A session hint about this exchange is listed above already.
		var rest []session.Hint
		for _, h := range s.Hints {
			if h.Exchange != e.ID || !slices.ContainsFunc(e.Hints, func(x session.Hint) bool { return x.Code == h.Code }) {
				rest = append(rest, h)
			}
		}
		write("Its session", rest)
		if s.Error != "" {
			fmt.Fprintf(&b, "## Session error\n\n%s\n", s.Error)
		}
	}
	if e.Error != "" {
		fmt.Fprintf(&b, "## Exchange error\n\n%s\n", e.Error)
	}
	if b.Len() == 0 {
		b.WriteString("No hints: nothing unusual about this exchange or its session.")
	}
	v.text.ParseMarkdown(b.String())
}
