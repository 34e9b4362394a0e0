package ui

import (
	"fmt"
	"time"

	"ptth-inspector/session/store"
)

// tickEvery is how often the pump lets the UI catch up with the store.
const tickEvery = 80 * time.Millisecond

// pump runs on its own goroutine: every tick it queues one tick on the UI
// goroutine, and never a second while one is still queued, so a flood of
// captured exchanges costs the UI one batch per tick, not one call each.
func (in *inspector) pump() {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-in.quit:
			return
		case <-t.C:
		}
		if in.pending.CompareAndSwap(false, true) {
			in.do(func() {
				defer in.pending.Store(false)
				in.tick()
			})
		}
	}
}

// tick folds the store's waiting changes into the model and refreshes what
// they touched. It runs on the UI goroutine.
func (in *inspector) tick() {
	select {
	case <-in.quit:
		return
	default:
	}
	changes := in.sub.Drain()
	reread := false
	if in.load != nil && (len(changes) > 0 || in.load.behind) {
		// While a file loads, the model re-reads the store now and then
		// in one go (see reloadDue), not exchange by exchange: each look
		// takes the store's lock that the loader needs for every put.
		changes, in.load.behind = nil, true
		if in.load.reloadDue() {
			changes, reread, in.load.behind = []store.Change{{Kind: store.Cleared}}, true, false
		}
	}
	start := time.Now()
	if in.model.Apply(changes) {
		in.sessIdx = in.model.SessionList(in.sessIdx)
		in.sessions.refresh()
		in.timeline.refresh()
		if in.selRow >= 0 {
			in.detail.update(in.model.Row(in.selRow))
		}
	}
	if reread {
		in.load.reloaded(time.Since(start))
	}
	in.updateStatus()
	in.checkCapture()
}

// checkCapture tells, once, that the capture file stopped being written
// (a full disk, say): nothing else would, and what comes next is then only
// in the window.
func (in *inspector) checkCapture() {
	if in.sinkErr != nil || in.be == nil {
		return
	}
	if err := in.st.Err(); err != nil {
		in.sinkErr = err
		in.banner.show(fmt.Sprintf("The capture file is no longer written: %v. The relay goes on forwarding every byte; "+
			"from here on the exchanges are only in this window: export them before closing it.", err), "Export…", in.showExport)
	}
}

// updateStatus refreshes the status bar and the load progress.
func (in *inspector) updateStatus() {
	s := statusInfo{Stats: in.st.Stats(), Shown: in.model.Matches(), Filtered: !in.model.Filter().Empty(), File: in.file}
	if in.be != nil {
		s.Listen, s.Upstream = in.be.Addresses()
		s.CapturePath = in.be.CapturePath()
		if r := in.be.Relay(); r != nil {
			s.Open, s.Relaying = r.Open(), true
		}
	}
	switch {
	case in.load != nil:
		s.Loading, s.Progress = true, in.load.fraction()
	case in.opening != nil:
		s.Loading, s.Progress = true, in.opening.fraction()
	}
	if s.Relaying != in.relaying {
		in.relaying = s.Relaying
		in.toolbar.refresh()
	}
	in.status.set(s)
}
