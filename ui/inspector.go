package ui

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"ptth-inspector/proxy/cli"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/session/store"
	ptheme "ptth-inspector/theme"
	"ptth-inspector/ui/filter"
	"ptth-inspector/ui/view"
)

// inspector is one window: what it shows, where the data comes from, and
// its widgets. Every field is touched on the UI goroutine only, except the
// atomics the pump goroutine reads.
type inspector struct {
	app  fyne.App
	win  fyne.Window
	opts cli.WindowOptions
	th   *ptheme.Theme

	be        backend        // the live capture, nil while viewing a file
	liveOpts  engine.Options // what the live capture was started with
	file      string         // the capture file being viewed, "" when live
	closer    io.Closer      // keeps a viewed file open for lazy reads
	st        *store.Store   // what the window shows
	sub       *store.Subscription
	model     *view.Model
	load      *loadProgress // non-nil while a file loads into the store shown
	opening   *loadProgress // non-nil while a file is read before it replaces the view
	sinkErr   error         // the capture write failure the banner told of
	follow    bool
	relaying  bool      // the relay ran at the last status update
	selRow    int32     // selected exchange's row, -1 for none
	clearedAt time.Time // when Clear was last used on st (zero: never): the capture file holds more
	sessIdx   []int32   // sessions the session list shows

	sessions  *sessionList
	timeline  *timeline
	detail    *detail
	filterBar *filterBar
	status    *statusBar
	banner    *banner
	toolbar   *toolbar
	intercept *interceptPanel // the Intercept window while it is open
	rp        replayState     // edit & replay: marked exchange, diff ignore list

	// do runs a function on the UI goroutine: fyne.Do, or a queue the
	// tests drain on their own goroutine.
	do func(func())
	// pending is set while a tick is queued with do, so the pump never
	// queues a second one: the UI goroutine sees at most one per frame.
	pending atomic.Bool
	quit    chan struct{}
	once    sync.Once
}

func newInspector(a fyne.App, w fyne.Window, opts cli.WindowOptions, th *ptheme.Theme) *inspector {
	in := &inspector{app: a, win: w, opts: opts, th: th, follow: true, selRow: -1, quit: make(chan struct{}), do: fyne.Do}
	in.st = store.New(nil)
	in.sub = in.st.Subscribe()
	in.model = view.New(in.st)
	in.sessions = newSessionList(in)
	in.timeline = newTimeline(in)
	in.detail = newDetail(in)
	in.filterBar = newFilterBar(in)
	in.status = newStatusBar()
	in.banner = newBanner()
	in.toolbar = newToolbar(in)
	return in
}

// layout assembles the window: toolbar and banner on top, sessions on the
// left, the timeline above the exchange detail, the status bar below.
func (in *inspector) layout() fyne.CanvasObject {
	centre := container.NewVSplit(
		container.NewBorder(in.filterBar.object(), nil, nil, nil, in.timeline.object()),
		in.detail.object())
	centre.Offset = 0.55
	main := container.NewHSplit(container.New(minWidth(170), in.sessions.object()), centre)
	main.Offset = 0.2
	top := container.NewVBox(in.toolbar.object(), in.banner.object())
	return container.NewBorder(top, in.status.object(), nil, nil, main)
}

// attach makes st the store the window shows, with be the live capture
// behind it (nil for a file).
func (in *inspector) attach(st *store.Store, be backend) {
	if in.sub != nil {
		in.sub.Close()
	}
	in.be, in.st, in.clearedAt, in.sinkErr = be, st, time.Time{}, nil
	in.status.note.SetText("") // what was exported or saved concerned the view before
	in.sub = st.Subscribe()
	q := in.model.Filter()
	fold := in.model.Fold()
	in.model = view.New(st)
	in.model.SetFold(fold)
	in.model.Reload()
	in.model.SetFilter(q)
	in.selRow = -1
	in.detail.show(nil)
	in.refreshAll()
}

// setFilter applies a parsed filter to the timeline and the session list.
func (in *inspector) setFilter(q *filter.Query) {
	in.model.SetFilter(q)
	in.refreshAll()
}

// refreshAll redraws everything that depends on the model.
func (in *inspector) refreshAll() {
	in.sessIdx = in.model.SessionList(in.sessIdx)
	in.sessions.refresh()
	in.timeline.refresh()
	in.toolbar.refresh()
	in.updateStatus()
}

// selectExchange shows row's exchange in the detail pane.
func (in *inspector) selectExchange(row int32) {
	in.selRow = row
	in.detail.show(in.model.Row(row))
	in.detail.markHidden(row >= 0 && in.model.IndexOf(row) < 0)
}

// close stops the pump and the live capture; it runs once.
func (in *inspector) close() {
	in.once.Do(func() {
		close(in.quit)
		in.sub.Close()
		if in.be != nil {
			in.be.Close()
		}
		if in.closer != nil {
			in.closer.Close()
		}
	})
}
