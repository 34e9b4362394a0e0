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

// File reads a file the inspector wrote into st. A capture streams in as it
// is scanned (its large message bytes stay in the file: closer keeps it
// open); a JSON export, HAR or transcript goes through the importer.
func File(st *store.Store, path string, progress func(done, total int64)) (closer io.Closer, warnings []string, err error) {
	format, err := importer.Detect(path)
	if err != nil {
		return nil, nil, err
	}
	if format == importer.Capture {
		r, err := capture.Open(path)
		if err != nil {
			return nil, nil, err
		}
		r.InlineBudget = InlineBudget
		sum, err := r.Scan(capture.Handler{Session: st.PutSession, Exchange: st.PutExchange, Chunk: st.Chunk, Progress: progress})
		return r, sum.Warnings, err
	}
	im, err := importer.Load(path, progress)
	if err != nil {
		return nil, nil, err
	}
	if err := im.Fill(st); err != nil {
		im.Close()
		return nil, nil, err
	}
	return im, im.Warnings, nil
}
