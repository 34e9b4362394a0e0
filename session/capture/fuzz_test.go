package capture

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"ptth-inspector/session"
)

// validCapture returns the bytes of a small capture holding every record kind.
func validCapture(t testing.TB, body []byte) []byte {
	w, path := create(t)
	must(t, w.Chunk("early", session.FromClient, t0, []byte("before its session")))
	must(t, w.Session(sampleSession("s1")))
	must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("HTTP/1.1 200 OK\r\n")))
	must(t, w.Exchange(sampleExchange("x1", "s1", body)))
	must(t, w.Exchange(&session.Exchange{ID: "x2"}))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	return data
}

// spooledCapture returns the bytes of a capture whose one response lies
// in the chunk records it crossed in (InChunks), between other records.
func spooledCapture(t testing.TB) []byte {
	w, path := create(t)
	head := []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")
	must(t, w.Chunk("s1", session.FromUpstream, t0, head))
	run := w.Spool("s1", session.FromUpstream, 0)
	must(t, w.Chunk("s1", session.FromClient, t0, []byte("the other side")))
	must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("abc")))
	must(t, w.Exchange(&session.Exchange{ID: "x1", Session: "s1", Response: &session.Message{Proto: "HTTP/1.1",
		Status: 200, HeadLen: len(head), Ref: &session.RawRef{R: run, Len: int64(len(head) + 3)}, First: t0, Last: t0}}))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	return data
}

func FuzzOpen(f *testing.F) {
	small := validCapture(f, []byte("pong"))
	for _, cut := range []int{0, 3, 8, 9, 17, len(small) / 2, len(small) - 1, len(small)} {
		f.Add(small[:cut])
	}
	f.Add(validCapture(f, make([]byte, InlineRaw+10))) // a message by ref
	f.Add(spooledCapture(f))                           // a message in chunk records
	f.Add(editedCapture(f))                            // an exchange with its Original
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	f.Add([]byte("PTTHCAP\x01\xff\xff\xff\xffX\x00\x00\x00\x00"))
	path := filepath.Join(f.TempDir(), "fuzz.ptthcap")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			return
		}
		defer r.Close()
		var sessions, exchanges, chunks int
		sum, err := r.Scan(Handler{
			Session: func(*session.Session) { sessions++ },
			Exchange: func(e *session.Exchange) {
				exchanges++
				for _, m := range []*session.Message{e.Request, e.Response} {
					if m != nil {
						m.Body()
						m.StartLine()
					}
				}
			},
			Chunk:    func(string, session.Side, time.Time, []byte) { chunks++ },
			Progress: func(done, total int64) {},
		})
		if err != nil {
			t.Fatalf("Scan of a file that does not change: %v", err)
		}
		if sum.Sessions != sessions || sum.Exchanges != exchanges || sum.Chunks != chunks {
			t.Fatalf("summary %+v, handed over %d/%d/%d", sum, sessions, exchanges, chunks)
		}
		if len(sum.Warnings) == 0 && int64(len(data)) > int64(fileHdrLen) && sessions+exchanges+chunks == 0 && !onlyIndex(data) {
			t.Fatalf("%d bytes of records gave nothing and no warning", len(data)-fileHdrLen)
		}
		if _, err := r.Scan(Handler{}); err != nil {
			t.Fatalf("second Scan: %v", err)
		}
	})
}

// editedCapture returns the bytes of a capture whose one exchange was
// edited at a breakpoint (it carries the request its sender sent).
func editedCapture(t testing.TB) []byte {
	w, path := create(t)
	must(t, w.Session(sampleSession("s1")))
	must(t, w.Exchange(editedExchange()))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	return data
}

func editedExchange() *session.Exchange {
	e := sampleExchange("x1", "s1", []byte("pong"))
	e.Original = sampleMessage(true, []byte("the sender's own body"), t0)
	return e
}

// FuzzDecodeExchange feeds exchange metadata straight to the decoder:
// FuzzOpen's mutations rarely get past the record CRCs to reach it.
func FuzzDecodeExchange(f *testing.F) {
	for _, e := range []*session.Exchange{editedExchange(), sampleExchange("x2", "s1", []byte("pong")), {ID: "x3"}} {
		var raws [2][]byte
		for i, m := range []*session.Message{e.Request, e.Response} {
			raws[i], _ = wire(m)
		}
		orig, _ := wire(e.Original)
		f.Add(appendExchange(nil, e, 100, raws, [2]*stored{}, orig))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, _, _, err := decodeExchange(b, map[string]string{})
		if err != nil {
			return
		}
		for _, m := range []*session.Message{e.Request, e.Response, e.Original} {
			if m != nil {
				m.Body()
				m.StartLine()
			}
		}
	})
}

// onlyIndex reports whether data's records are all index records, which
// are not handed over.
func onlyIndex(data []byte) bool {
	for off := fileHdrLen; off+frameLen <= len(data); {
		if data[off+4] != kindIndex {
			return false
		}
		off += frameLen + int(uint32(data[off])|uint32(data[off+1])<<8|uint32(data[off+2])<<16|uint32(data[off+3])<<24)
	}
	return true
}
