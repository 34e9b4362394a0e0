package ui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ptth-inspector/session"
	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/view"
)

// Timeline column widths; the target column (colTarget) takes the rest.
var timelineColumns = &columns{
	widths: []float32{4, 24, 40, 50, 60, 100, 96, 60, 60, 64, 92, 140},
	flex:   colTarget,
	// Below 260 px of target, the waterfall gives up to 100 px of its own.
	flexMin: 260, shrink: colWaterfall, shrinkMin: 40,
}

const colWaterfall = 11

const colTarget = 5

// timelineHeaders are the column titles, in column order.
var timelineHeaders = []string{"", "", "#", "via", "method", "target", "status", "req", "resp", "time", "start", "waterfall"}

// timelineRow is one timeline row: an exchange, or the role-flip divider.
type timelineRow struct {
	widget.BaseWidget
	bg      *canvas.Rectangle
	stripe  *canvas.Rectangle
	arrow   *canvas.Text
	seq     *canvas.Text
	via     *canvas.Text
	method  *canvas.Text
	target  *widget.Label
	status  *canvas.Text
	reqLen  *canvas.Text
	respLen *canvas.Text
	dur     *canvas.Text
	start   *canvas.Text
	fall    *waterfall
	cells   *fyne.Container
	divider *canvas.Text
	rules   [2]*canvas.Rectangle // left and right of the divider text
	flipBox *fyne.Container
}

type stripeRect struct{ *canvas.Rectangle }

func (stripeRect) fillsRow() {}

func newTimelineRow() *timelineRow {
	text := func(align fyne.TextAlign) *canvas.Text {
		t := canvas.NewText("", color.Black)
		t.Alignment = align
		return t
	}
	r := &timelineRow{bg: canvas.NewRectangle(color.Transparent), stripe: canvas.NewRectangle(color.Transparent),
		arrow: text(fyne.TextAlignCenter), seq: text(fyne.TextAlignTrailing), via: text(fyne.TextAlignCenter),
		method: text(fyne.TextAlignLeading), target: widget.NewLabel(""), status: text(fyne.TextAlignLeading),
		reqLen: text(fyne.TextAlignTrailing), respLen: text(fyne.TextAlignTrailing), dur: text(fyne.TextAlignTrailing),
		start: text(fyne.TextAlignTrailing), fall: newWaterfall(), divider: text(fyne.TextAlignCenter),
		rules: [2]*canvas.Rectangle{canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)}}
	r.arrow.TextStyle.Bold = true
	r.divider.TextStyle.Bold = true
	r.target.Truncation = fyne.TextTruncateEllipsis
	r.cells = container.New(timelineColumns, stripeRect{r.stripe}, r.arrow, r.seq, r.via, r.method, r.target,
		r.status, r.reqLen, r.respLen, r.dur, r.start, r.fall)
	r.flipBox = container.NewCenter(container.NewHBox(container.NewCenter(r.rules[0]), r.divider, container.NewCenter(r.rules[1])))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer stacks the background, the cells and the divider.
func (r *timelineRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.cells, r.flipBox))
}

// showDivider turns the row into the role-flip divider of a session.
func (r *timelineRow) showDivider(info *view.SessionInfo, all bool) {
	r.cells.Hide()
	r.flipBox.Show()
	f := info.S.Flip
	text := fmt.Sprintf("⇅ roles flipped — %s — 101 at %s", f.Token, clock(f.At))
	if all {
		text += " — " + info.S.Client
	}
	c := themeColor(ptheme.ColorNameFlip)
	r.divider.Text, r.divider.Color = text, c
	r.bg.FillColor = ptheme.Tint(c, 0x22)
	for _, rule := range r.rules {
		rule.FillColor = ptheme.Tint(c, 0x80)
		rule.SetMinSize(fyne.NewSize(40, 2))
		rule.Refresh()
	}
	r.divider.Refresh()
	r.bg.Refresh()
}

// showExchange fills the cells for e; from and to place it on the waterfall.
func (r *timelineRow) showExchange(e *session.Exchange, from, to float32) {
	r.flipBox.Hide()
	r.cells.Show()
	fg := themeColor(fynetheme.ColorNameForeground)
	role := roleOf(e)
	rc := themeColor(role)
	r.stripe.FillColor = rc
	r.bg.FillColor = color.Transparent
	if e.Transport == session.COMET {
		r.bg.FillColor = ptheme.Tint(rc, 0x18)
	}
	r.arrow.Text, r.arrow.Color = arrowOf(e.Direction), rc
	r.seq.Text, r.seq.Color = fmt.Sprint(e.Seq), fg
	r.via.Text, r.via.Color = e.Transport.String(), rc
	method, target := "", ""
	if e.Request != nil {
		method, target = e.Request.Method, e.Request.Target
		r.reqLen.Text = byteSize(e.Request.BodyLen)
	} else {
		r.reqLen.Text = ""
	}
	if len(method) > 8 {
		method = method[:8]
	}
	if id := e.MessageID; id != "" {
		if len(id) > 12 { // a uuid would hide the target: its head tells ids apart
			id = id[:8] + "…"
		}
		target = "[" + id + "] " + target
	}
	target = replayMark(e) + target
	if len(e.Carries) > 0 {
		target += fmt.Sprintf("  (carries %d COMET)", len(e.Carries))
	}
	r.method.Text, r.method.Color = method, fg
	r.target.SetText(target)
	st, sc := statusOf(e)
	r.status.Text, r.status.Color = st, themeColor(sc)
	r.respLen.Text = ""
	if e.Response != nil {
		r.respLen.Text = byteSize(e.Response.BodyLen)
	}
	for _, t := range []*canvas.Text{r.reqLen, r.respLen, r.dur, r.start} {
		t.Color = fg
	}
	r.dur.Text = ""
	if d := e.Duration(); d > 0 || e.Response != nil {
		r.dur.Text = duration(d)
	}
	r.start.Text = clock(e.Started())
	r.fall.set(from, to, e.Pending(), role)
	for _, o := range []fyne.CanvasObject{r.bg, r.stripe, r.arrow, r.seq, r.via, r.method, r.status, r.reqLen, r.respLen, r.dur, r.start} {
		o.Refresh()
	}
}

// roleOf picks the colour of an exchange: COMET, reverse or forward.
func roleOf(e *session.Exchange) fyne.ThemeColorName {
	switch {
	case e.Transport == session.COMET:
		return ptheme.ColorNameComet
	case e.Direction == session.Reverse:
		return ptheme.ColorNameReverse
	}
	return ptheme.ColorNameForward
}

// arrowOf shows who asked: → the client asked the server, ← the reverse.
func arrowOf(d session.Direction) string {
	if d == session.Reverse {
		return "←"
	}
	return "→"
}

// statusOf returns the status cell's text and colour.
func statusOf(e *session.Exchange) (string, fyne.ThemeColorName) {
	switch {
	case e.Response != nil:
		c := fynetheme.ColorNameForeground
		if e.Response.Status >= 400 {
			c = ptheme.ColorNameError
		} else if e.Response.Status == 101 {
			c = ptheme.ColorNameFlip
		}
		return clip(fmt.Sprintf("%d %s", e.Response.Status, e.Response.Reason), 14), c
	case strings.HasPrefix(e.Error, "dropped"):
		return "dropped", ptheme.ColorNamePending // at a breakpoint, on purpose
	case strings.HasPrefix(e.Error, "replaced"):
		return "replaced", ptheme.ColorNamePending // a COMET event a later poll's took over
	case e.Error != "":
		return "failed", ptheme.ColorNameError
	}
	return "pending…", ptheme.ColorNamePending
}

// clock writes a time of day to the millisecond.
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("15:04:05.000")
}

// duration writes d at a useful precision.
func duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	case d < time.Minute:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// clip shortens s to n runes, ending in an ellipsis when it cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
