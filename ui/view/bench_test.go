package view

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/capture/synth"
	"ptth-inspector/session/store"
	"ptth-inspector/ui/filter"
	"ptth-inspector/ui/load"
)

// sliceSource serves generated exchanges without a store's locking.
type sliceSource struct {
	sessions  []*session.Session
	exchanges []*session.Exchange
}

func (s *sliceSource) ExchangeAt(i int) *session.Exchange { return s.exchanges[i] }
func (s *sliceSource) Sessions() []*session.Session       { return s.sessions }
func (s *sliceSource) Each(from, to int, _ bool, fn func(int, *session.Exchange)) {
	for i := from; i < min(to, len(s.exchanges)); i++ {
		fn(i, s.exchanges[i])
	}
}
func (s *sliceSource) Filter(from, to int, m store.Matcher, hit func(int)) {
	s.Each(from, to, true, func(i int, e *session.Exchange) {
		if m.Match(e) {
			hit(i)
		}
	})
}
func (s *sliceSource) Index(id string) int {
	for i, e := range s.exchanges {
		if e.ID == id {
			return i
		}
	}
	return -1
}
func (s *sliceSource) Session(id string) *session.Session {
	for _, x := range s.sessions {
		if x.ID == id {
			return x
		}
	}
	return nil
}

var paths = []string{"/event", "/status", "/reverse", "/slideshow/photo", "/queue/42", "/"}

// generate makes n exchanges over n/200 sessions the way a long PTTH capture
// looks: an upgrade, then reversed requests, some 404s, some COMET events.
// The wire bytes are held in memory, as a live capture holds small ones.
func generate(n int) *sliceSource {
	src := &sliceSource{}
	perSession := 200
	for i := 0; i < n; i++ {
		si := i / perSession
		sid := fmt.Sprintf("sess-%06d", si)
		if i%perSession == 0 {
			src.sessions = append(src.sessions, &session.Session{ID: sid, Client: fmt.Sprintf("127.0.0.1:%d", 40000+si%20000),
				Started: t0.Add(time.Duration(i) * time.Millisecond), State: session.StateFlipped,
				Flip: &session.Flip{At: t0.Add(time.Duration(i)*time.Millisecond + 500*time.Microsecond), Token: "PTTH/1.0", Exchange: fmt.Sprintf("ex-%d", i)}})
		}
		at := time.Duration(i) * time.Millisecond
		path := paths[i%len(paths)]
		status := 200
		if i%97 == 0 {
			status = 404
		}
		dir, tr := session.Reverse, session.PTTH
		if i%perSession == 0 {
			dir = session.Forward
		} else if i%13 == 0 {
			tr = session.COMET
		}
		body := fmt.Sprintf(`{"category":"photo","sessionID":%d,"state":"playing"}`, i)
		reqHead := fmt.Sprintf("POST %s HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-Apple-Session-ID: 1bd6ceeb-fffd-456c-a09c-%012d\r\nUser-Agent: MediaControl/1.0\r\n\r\n", path, len(body), i)
		respHead := fmt.Sprintf("HTTP/1.1 %d OK\r\nContent-Type: text/plain\r\nDate: Tue, 13 May 2008 20:14:45 GMT\r\nContent-Length: 13\r\n\r\n", status)
		req := &session.Message{Method: "POST", Target: path, Proto: "HTTP/1.1", BodyLen: int64(len(body)), HeadLen: len(reqHead),
			Headers: []session.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "Content-Length", Value: fmt.Sprint(len(body))},
				{Name: "X-Apple-Session-ID", Value: fmt.Sprintf("1bd6ceeb-fffd-456c-a09c-%012d", i)}, {Name: "User-Agent", Value: "MediaControl/1.0"}},
			First: t0.Add(at), Last: t0.Add(at + 100*time.Microsecond)}
		resp := &session.Message{Proto: "HTTP/1.1", Status: status, Reason: "OK", BodyLen: 13, HeadLen: len(respHead),
			Headers: []session.Header{{Name: "Content-Type", Value: "text/plain"}, {Name: "Date", Value: "Tue, 13 May 2008 20:14:45 GMT"}, {Name: "Content-Length", Value: "13"}},
			First:   t0.Add(at + 300*time.Microsecond), Last: t0.Add(at + 400*time.Microsecond)}
		req.Raw = []byte(reqHead + body)
		resp.Raw = []byte(respHead + "rdlrow ,olleH")
		e := &session.Exchange{ID: fmt.Sprintf("ex-%d", i), Session: sid, Seq: i%perSession + 1, Direction: dir, Transport: tr,
			Request: req, Response: resp}
		if tr == session.COMET {
			e.MessageID = fmt.Sprintf("m%d", i)
		}
		if i%500 == 0 {
			e.Hints = []session.Hint{{Code: session.HintContentLengthOn101, Text: "a 101 carrying Content-Length"}}
		}
		src.exchanges = append(src.exchanges, e)
	}
	return src
}

const million = 1_000_000

var (
	loadOnce sync.Once
	loaded   *store.Store
	loadErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	synth.Cleanup()
	os.Exit(code)
}

// loadedMillion opens a generated capture of a million small exchanges the
// way the window does (load.File into a store), once per process: the first
// 64 MiB of message bytes are in memory, the rest on disk.
func loadedMillion(b *testing.B) *store.Store {
	loadOnce.Do(func() {
		path, err := synth.Temp(synth.Options{Exchanges: million})
		if err != nil {
			loadErr = err
			return
		}
		loaded = store.New(nil)
		_, _, loadErr = load.File(loaded, path, nil) // the reader stays open for the process
	})
	if loadErr != nil {
		b.Fatal(loadErr)
	}
	return loaded
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkFilter1M filters a million exchanges loaded from a capture; it
// reports milliseconds per filter (the goal is under 200).
func BenchmarkFilter1M(b *testing.B) {
	for _, c := range []struct{ name, expr string }{
		{"tokens", "dir:reverse status:>=400 method:POST"},
		{"comet", "transport:comet"},
		{"text-header", "mediacontrol"},
		{"text-target", "playback-info"},
		{"text-body", "paused"},
		{"text-miss", "nothing-like-this"},
		{"text-and-tokens", "dir:reverse video status:404"},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := New(loadedMillion(b))
			m.Reload()
			q := filter.MustParse(c.expr)
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				m.SetFilter(q)
				m.Len()
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/filter")
			b.ReportMetric(float64(m.Matches()), "matches")
		})
	}
}

// BenchmarkModelMemory reports the view model's own bytes per row over a
// million exchanges loaded from a capture.
func BenchmarkModelMemory(b *testing.B) {
	src := loadedMillion(b)
	var m *Model
	for b.Loop() {
		m = nil
		before := heapInUse()
		m = New(src)
		m.Reload()
		m.Select(AllSessions)
		m.Len()
		b.ReportMetric(float64(heapInUse()-before)/million, "model-bytes/row")
	}
	runtime.KeepAlive(m)
}

// BenchmarkApplyLive feeds 10 000 new exchanges through a store and its
// subscription per iteration: one second of traffic at 10 000 exchanges/s.
func BenchmarkApplyLive(b *testing.B) {
	src := generate(10_000)
	for b.Loop() {
		st := store.New(nil)
		sub := st.Subscribe()
		m := New(st)
		m.SetFilter(filter.MustParse("dir:reverse"))
		for i, e := range src.exchanges {
			if i%200 == 0 {
				st.PutSession(src.sessions[i/200])
			}
			st.PutExchange(e)
			if i%1000 == 999 { // a 100 ms tick's worth
				m.Apply(sub.Drain())
				m.Len()
			}
		}
		m.Apply(sub.Drain())
		if m.Exchanges() != len(src.exchanges) {
			b.Fatalf("model has %d exchanges, want %d", m.Exchanges(), len(src.exchanges))
		}
	}
}

func TestGeneratedLooksLikeCapture(t *testing.T) {
	src := generate(1000)
	m := New(src)
	m.Reload()
	m.SetFilter(filter.MustParse("transport:comet"))
	if it := m.Item(0); !it.Divider() || it.Session.S.Flip == nil {
		t.Fatalf("first row should be session 1's flip divider, got %+v", it)
	}
	if m.Matches() == 0 || m.Matches() >= 1000 || !strings.HasPrefix(m.Item(1).Exchange.MessageID, "m") {
		t.Fatalf("generated data has %d COMET exchanges", m.Matches())
	}
	m.SetFilter(filter.MustParse("olleh"))
	if m.Matches() != 1000 {
		t.Fatalf("body text found in %d of 1000 exchanges", m.Matches())
	}
}

// BenchmarkReload1M indexes a million exchanges from scratch, as the window
// does when a large capture finishes loading.
func BenchmarkReload1M(b *testing.B) {
	src := loadedMillion(b)
	m := New(src)
	start := time.Now()
	for b.Loop() {
		m.Reload()
		m.Len()
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/reload")
}
