package capture

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"ptth-inspector/session"
)

func TestSpoolWritesMessageOnce(t *testing.T) {
	w, path := create(t)
	e := sampleExchange("x1", "s1", bigBody)
	raw := e.Response.Raw
	lead := []byte("HTTP/1.1 100 Continue\r\n\r\n") // the stream does not start with the message
	must(t, w.Chunk("s1", session.FromUpstream, t0, lead))
	must(t, w.Chunk("s1", session.FromUpstream, t0, raw[:1000]))
	// The dissector decides to spool after the first piece arrived.
	run := w.Spool("s1", session.FromUpstream, int64(len(lead)))
	if run == nil {
		t.Fatal("Spool found nothing for the message start")
	}
	for i := 1000; i < len(raw); i += 50 << 10 {
		must(t, w.Chunk("s2", session.FromClient, t0, []byte("noise from another connection")))
		must(t, w.Chunk("s1", session.FromClient, t0, []byte("the other direction")))
		must(t, w.Chunk("s1", session.FromUpstream, t0, raw[i:min(i+50<<10, len(raw))]))
	}
	spooled := *e.Response
	spooled.Raw, spooled.Ref = nil, &session.RawRef{R: run, Len: int64(len(raw))}
	got, err := spooled.Wire()
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("live read back: %v, equal %v", err, bytes.Equal(got, raw))
	}
	sp := *e
	sp.Response = &spooled
	kept, err := w.Spill(&sp)
	must(t, err)
	if kept.Response.Ref.R != run {
		t.Fatalf("Spill replaced the run: %+v", kept.Response.Ref)
	}
	// The request (small) still follows its record: Spill's offsets skip
	// the response, which the record does not hold.
	e2 := sampleExchange("x2", "s1", bigBody)
	kept2, err := w.Spill(e2)
	must(t, err)
	b, err := kept2.Response.Wire()
	if err != nil || !bytes.Equal(b, e2.Response.Raw) {
		t.Fatalf("spilled response after a run: %v", err)
	}
	must(t, w.Close())

	fi, err := os.Stat(path)
	must(t, err)
	// The run's bytes are in the file once (as chunks), e2's twice.
	if limit := int64(len(raw))*3 + 20<<10; fi.Size() > limit {
		t.Fatalf("capture is %d bytes, want under %d: the run was written twice", fi.Size(), limit)
	}
	c := scanAll(t, path, false)
	if len(c.exchanges) != 2 {
		t.Fatalf("%d exchanges", len(c.exchanges))
	}
	if r := c.exchanges[0].Response.Ref; r == nil || r.Len != int64(len(raw)) {
		t.Fatalf("reopened response ref %+v", r)
	}
	sameExchange(t, c.exchanges[0], e)
	sameExchange(t, c.exchanges[1], e2)
}

func TestSpoolFindsAStartTrickledInSegments(t *testing.T) {
	msg := append([]byte("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n"), bytes.Repeat([]byte("y"), 200000)...)
	// As read from a real network, one small TCP segment at a time, or in
	// the relay's 64 KiB reads; up to the point where the dissector spools
	// (64 KiB of message, plus the read that passes it).
	for _, seg := range []int{160, 536, 1448, 64 << 10} {
		w, _ := create(t)
		must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("earlier bytes")))
		for i := 0; i < 64<<10+seg; i += seg {
			must(t, w.Chunk("s1", session.FromUpstream, t0, msg[i:min(i+seg, len(msg))]))
		}
		r := w.Spool("s1", session.FromUpstream, int64(len("earlier bytes")))
		if r == nil {
			t.Fatalf("the start of a message read %d bytes at a time was forgotten by 64 KiB", seg)
		}
		got := make([]byte, 100)
		if n, err := r.ReadAt(got, 0); err != nil || !bytes.Equal(got[:n], msg[:100]) {
			t.Fatalf("%d-byte reads: read %q, %v", seg, got[:n], err)
		}
		must(t, w.Close())
	}
}

func TestSpoolFindsAHeadReadBeforeOneLargeRead(t *testing.T) {
	w, _ := create(t)
	defer w.Close()
	head := []byte("POST /x HTTP/1.1\r\nContent-Length: 1048576\r\n\r\n")
	must(t, w.Chunk("s1", session.FromClient, t0, head))
	must(t, w.Chunk("s1", session.FromClient, t0, bytes.Repeat([]byte("z"), 1<<20)))
	if w.Spool("s1", session.FromClient, 0) == nil {
		t.Fatal("a message's head was forgotten once one large read followed it")
	}
}

func TestSpoolFindsOnlyRecentStarts(t *testing.T) {
	w, _ := create(t)
	defer w.Close()
	if w.Spool("nobody", session.FromClient, 0) != nil {
		t.Fatal("Spool for an unknown session")
	}
	for range spoolRing + 2 {
		must(t, w.Chunk("s1", session.FromClient, t0, []byte("0123456789")))
	}
	if w.Spool("s1", session.FromClient, 0) != nil {
		t.Fatal("Spool for a start older than the ring")
	}
	if w.Spool("s1", session.FromUpstream, 0) != nil {
		t.Fatal("Spool for a side that sent nothing")
	}
	if w.Spool("s1", session.FromClient, (spoolRing+2)*10) != nil {
		t.Fatal("Spool for bytes not recorded yet")
	}
	r := w.Spool("s1", session.FromClient, (spoolRing+1)*10+3)
	if r == nil {
		t.Fatal("Spool for the latest chunk")
	}
	b := make([]byte, 7)
	if n, err := r.ReadAt(b, 0); err != nil || string(b[:n]) != "3456789" {
		t.Fatalf("read %q, %v", b[:n], err)
	}
	if n, err := r.ReadAt(make([]byte, 8), 0); err == nil {
		t.Fatalf("read %d bytes past the end of the stream without an error", n)
	}
	s := sampleSession("s1")
	must(t, w.Session(s))
	if w.Spool("s1", session.FromClient, (spoolRing+1)*10) != nil {
		t.Fatal("Spool after the session ended")
	}
}

func TestRunDamage(t *testing.T) {
	w, path := create(t)
	must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")))
	run := w.Spool("s1", session.FromUpstream, 0)
	must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("abc")))
	e := &session.Exchange{ID: "x1", Session: "s1", Response: &session.Message{Proto: "HTTP/1.1", Status: 200, HeadLen: 38,
		Ref: &session.RawRef{R: run, Len: 41}, First: t0, Last: t0.Add(time.Millisecond)}}
	must(t, w.Exchange(e))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	c := scanAll(t, path, false)
	if b, err := c.exchanges[0].Response.Wire(); err != nil || !strings.HasSuffix(string(b), "\r\n\r\nabc") {
		t.Fatalf("intact run: %q %v", b, err)
	}
	// Overwrite the second chunk record's kind: the run now breaks there.
	second := fileHdrLen + frameLen + 2 + len("s1") // index record
	second += frameLen + 1 + 1 + 8 + 38             // first chunk record
	bad := bytes.Clone(data)
	bad[second+4] = 'Z'
	c = scanAll(t, writeFile(t, bad), false)
	if len(c.exchanges) != 1 {
		t.Fatalf("%d exchanges after damage", len(c.exchanges))
	}
	if _, err := c.exchanges[0].Response.Wire(); err == nil || !strings.Contains(err.Error(), "chunk records") {
		t.Fatalf("broken run read without a clear error: %v", err)
	}

	// Damage a byte of the body after the capture was opened: the scan
	// checked it intact, the read finds it changed.
	intact := writeFile(t, data)
	c = scanAll(t, intact, false)
	f, err := os.OpenFile(intact, os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteAt([]byte("X"), int64(bytes.LastIndex(data, []byte("abc"))+1))
	must(t, err)
	must(t, f.Close())
	if b, err := c.exchanges[0].Response.Wire(); err == nil || !strings.Contains(err.Error(), "CRC") {
		t.Fatalf("body damaged after opening read as %q, %v; want a CRC error", b, err)
	}
}

func TestReadsVersion1(t *testing.T) {
	w, path := create(t)
	e := sampleExchange("x1", "s1", bigBody)
	must(t, w.Exchange(e))
	must(t, w.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	data[len(Magic)] = 1 // records without runs are the same in version 1
	c := scanAll(t, writeFile(t, data), false)
	sameExchange(t, c.exchanges[0], e)
}

func TestRewriteOfSpilledExchangePointsBack(t *testing.T) {
	w, path := create(t)
	e := sampleExchange("x1", "s1", bigBody)
	kept, err := w.Spill(e)
	must(t, err)
	if kept.Response.Ref == nil {
		t.Fatal("large response not spilled")
	}
	must(t, w.Flush())
	before, err := os.Stat(path)
	must(t, err)
	again := *kept
	again.Error = "" // a later snapshot of the same exchange
	must(t, w.Exchange(&again))
	must(t, w.Close())
	after, err := os.Stat(path)
	must(t, err)
	if grew := after.Size() - before.Size(); grew > 4<<10 {
		t.Fatalf("rewriting the exchange added %d bytes: its spilled response was copied", grew)
	}
	c := scanAll(t, path, false)
	if len(c.exchanges) != 2 {
		t.Fatalf("%d exchanges", len(c.exchanges))
	}
	want := *e
	want.Error = ""
	sameExchange(t, c.exchanges[1], &want)
}

func TestRunLongerThanTheFileBeforeIt(t *testing.T) {
	w, path := create(t)
	must(t, w.Chunk("s1", session.FromUpstream, t0, []byte("HTTP/1.1 200 OK\r\n\r\n")))
	run := w.Spool("s1", session.FromUpstream, 0)
	// A hostile or broken record claims far more bytes than lie before it.
	e := &session.Exchange{ID: "x1", Session: "s1", Response: &session.Message{Proto: "HTTP/1.1", Status: 200, HeadLen: 19,
		Ref: &session.RawRef{R: run, Len: 1 << 40}}}
	must(t, w.Exchange(e))
	must(t, w.Close())
	c := scanAll(t, path, false)
	if len(c.exchanges) != 1 || c.exchanges[0].Response.Ref != nil {
		t.Fatalf("exchanges %+v", c.exchanges)
	}
	if !hasWarning(c.sum, "bytes are lost") {
		t.Fatalf("no warning: %v", c.sum.Warnings)
	}
}
