package load

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"ptth-inspector/session/capture/synth"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/view"
)

const million = 1_000_000

func TestMain(m *testing.M) {
	code := m.Run()
	synth.Cleanup()
	os.Exit(code)
}

// liveHeap collects garbage and returns the bytes still in use.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// mapped is the memory the Go runtime holds from the OS (heap, stacks,
// metadata) and has not handed back: what the process's RSS follows.
func mapped() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

// BenchmarkOpen1M opens a generated capture of a million small exchanges as
// the window does (File into a store, then the view model) and reports the
// live heap per exchange after GC, the memory the runtime holds per exchange
// (garbage made while loading included, as the process's RSS sees it), the
// model's own bytes per row and the seconds an open takes; with the
// runtime's default settings, and with the memory limit the program sets.
// Run it alone (-bench Open1M) so no other benchmark's heap is in the
// numbers.
func BenchmarkOpen1M(b *testing.B) {
	path, err := synth.Temp(synth.Options{Exchanges: million})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gogc", func(b *testing.B) { open1M(b, path) })
	b.Run("memlimit", func(b *testing.B) {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
		open1M(b, path)
	})
}

func open1M(b *testing.B, path string) {
	for b.Loop() {
		debug.FreeOSMemory()
		heap0, mapped0 := liveHeap(), mapped()
		start := time.Now()
		st := store.New(nil)
		closer, warnings, err := File(st, path, nil)
		if err != nil || len(warnings) > 0 {
			b.Fatalf("open: %v %v", err, warnings)
		}
		heapStore := liveHeap()
		m := view.New(st)
		m.Reload()
		if m.Len() < million {
			b.Fatalf("model shows %d rows, want %d", m.Len(), million)
		}
		took := time.Since(start)
		heap1, mapped1 := liveHeap(), mapped()
		b.ReportMetric(float64(heap1-heap0)/million, "heapB/exchange")
		b.ReportMetric(float64(mapped1-mapped0)/million, "mappedB/exchange")
		b.ReportMetric(float64(mapped1)/(1<<20), "mappedMiB")
		b.ReportMetric(float64(heap1-heapStore)/million, "model-bytes/row")
		b.ReportMetric(took.Seconds(), "s/open")
		runtime.KeepAlive(m)
		closer.Close()
	}
}
