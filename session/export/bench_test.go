package export

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session/capture/synth"
)

// BenchmarkExportCapture1M exports a generated relay-shaped capture of
// 1 000 000 small exchanges as JSON (without chunks) and as HAR, as
// `ptth-inspector export` does, and reports the live heap per exchange once
// the capture is open (after GC) and the peak heap per exchange while it is
// opened and written (sampled every 5 ms).
func BenchmarkExportCapture1M(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "export.ptthcap")
	if err := synth.Write(path, synth.Options{Exchanges: n}); err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{JSON, HARFormat} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				base := heapObjects()
				peak := newPeakSampler()
				c, err := FromCapture(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				open := heapObjects()
				if err := Write(io.Discard, f, c, Options{JSON: JSONOptions{NoChunks: true}}); err != nil {
					b.Fatal(err)
				}
				top := peak.stop()
				c.Close()
				b.ReportMetric(float64(open-base)/n, "openHeapB/exchange")
				b.ReportMetric(float64(top-base)/n, "peakHeapB/exchange")
			}
		})
	}
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakSampler records the largest heapObjects reading until stopped.
type peakSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  uint64
}

func newPeakSampler() *peakSampler {
	p := &peakSampler{done: make(chan struct{}), max: heapObjects()}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.max = max(p.max, heapObjects())
			}
		}
	}()
	return p
}

func (p *peakSampler) stop() uint64 {
	close(p.done)
	p.wg.Wait()
	return max(p.max, heapObjects())
}

// BenchmarkImportJSON200k reads a JSON export (without chunks) of 200 000
// relay-shaped exchanges into a packed Loaded, as the importer does, and
// into a Memory, for comparison; it reports the live heap per exchange
// once read (after GC) and the peak heap per exchange while reading
// (sampled every 5 ms).
func BenchmarkImportJSON200k(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	capPath, jsonPath := filepath.Join(dir, "i.ptthcap"), filepath.Join(dir, "i.json")
	if err := synth.Write(capPath, synth.Options{Exchanges: n, NoChunks: true}); err != nil {
		b.Fatal(err)
	}
	c, err := FromCapture(capPath)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(jsonPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteJSON(f, c, JSONOptions{NoChunks: true}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	c.Close()
	for _, into := range []struct {
		name string
		new  func() Loader
	}{{"loaded", func() Loader { return NewLoaded() }}, {"memory", func() Loader { return NewMemory() }}} {
		b.Run(into.name, func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				base := heapObjects()
				peak := newPeakSampler()
				in, err := os.Open(jsonPath)
				if err != nil {
					b.Fatal(err)
				}
				dst := into.new()
				if err := DecodeJSON(bufio.NewReaderSize(in, 1<<16), dst); err != nil {
					b.Fatal(err)
				}
				in.Close()
				top := peak.stop()
				runtime.GC()
				b.ReportMetric(float64(heapObjects()-base)/n, "heapB/exchange")
				b.ReportMetric(float64(top-base)/n, "peakHeapB/exchange")
				runtime.KeepAlive(dst)
			}
		})
	}
}
