// Package load reads a file the inspector can open into a store, the way the
// window opens it, without any UI toolkit (so benchmarks can measure it).
package load

import (
	"io"

	"ptth-inspector/proxy/importer"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/store"
)

// InlineBudget is how many message bytes of an opened capture are held in
// memory; past it, bodies stay on disk (read when shown), so a capture of a
// million exchanges fits in RAM. Free text searches bodies held in memory.
const InlineBudget = 64 << 20

// MemoryLimit is the soft memory limit the program sets for the Go runtime
// unless GOMEMLIMIT says otherwise. With the default GOGC alone the heap
// may grow to twice what is live before a collection, so a capture of a
// million exchanges (about 300 MB live) could hold 600 MB and more; the
// limit makes the collector work harder instead, keeping the process
// under 1 GiB with the window's own memory. Past it (several million
// exchanges) the collector runs often, but never takes more than about
// half the CPU: the window slows down, it does not stop.
const MemoryLimit = 768 << 20

// Opened is a file checked and ready to be read into a store.
type Opened struct {
	Path   string
	Format importer.Format
	cap    *capture.Reader  // a capture, its header read
	im     *importer.Import // any other format, read whole
}

// Open checks the file at path without touching any store: a capture's
// header is read (its body streams in during Fill); a JSON export, HAR or
// transcript is read whole, reporting progress. An error means the file
// cannot be shown, and whatever the caller shows now can stay.
func Open(path string, progress func(done, total int64)) (*Opened, error) {
	format, err := importer.Detect(path)
	if err != nil {
		return nil, err
	}
	o := &Opened{Path: path, Format: format}
	if format == importer.Capture {
		if o.cap, err = capture.Open(path); err != nil {
			return nil, err
		}
		o.cap.InlineBudget = InlineBudget
		return o, nil
	}
	if o.im, err = importer.Load(path, progress); err != nil {
		return nil, err
	}
	return o, nil
}

// Fill reads the opened file into st. A capture streams in as it is scanned
// (its large message bytes stay in the file: closer keeps it open).
func (o *Opened) Fill(st *store.Store, progress func(done, total int64)) (closer io.Closer, warnings []string, err error) {
	if o.cap != nil {
		sum, err := o.cap.Scan(capture.Handler{Session: st.PutSession, Exchange: st.PutExchange, Chunk: st.Chunk, Progress: progress})
		return o.cap, sum.Warnings, err
	}
	if err := o.im.Fill(st); err != nil {
		o.im.Close()
		return nil, nil, err
	}
	return o.im, o.im.Warnings, nil
}

// Close releases a file opened and never filled.
func (o *Opened) Close() error {
	if o.cap != nil {
		return o.cap.Close()
	}
	return o.im.Close()
}

// File reads a file the inspector wrote into st: Open, then Fill.
func File(st *store.Store, path string, progress func(done, total int64)) (closer io.Closer, warnings []string, err error) {
	o, err := Open(path, progress)
	if err != nil {
		return nil, nil, err
	}
	return o.Fill(st, progress)
}
