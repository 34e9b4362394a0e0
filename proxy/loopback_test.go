package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"ptth-inspector/session"
	"ptth-inspector/session/store"
)

// startRelay runs a relay in front of upstream, recording into a fresh store.
func startRelay(t testing.TB, upstream string) (*Relay, *store.Store) {
	t.Helper()
	st := store.New(nil)
	r := &Relay{Listen: "127.0.0.1:0", Upstream: upstream, Rec: st}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, st
}

// listen opens a loopback listener closed at the end of the test.
func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// play runs steps between a scripted client and a scripted upstream through
// a relay. Each peer checks that it receives exactly the other's bytes.
// It returns the store once the session has ended.
func play(t *testing.T, steps []step) *store.Store {
	t.Helper()
	ln := listen(t)
	r, st := startRelay(t, ln.Addr().String())
	upErr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			upErr <- err
			return
		}
		defer c.Close()
		upErr <- runPeer(c, steps, session.FromUpstream)
	}()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := runPeer(c, steps, session.FromClient); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := <-upErr; err != nil {
		t.Fatalf("upstream: %v", err)
	}
	waitEnded(t, st, 1)
	return st
}

// runPeer plays one side of the script on c, then half-closes and drains.
func runPeer(c net.Conn, steps []step, me session.Side) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	for _, s := range steps {
		if s.side == me {
			if _, err := c.Write(s.bytes); err != nil {
				return err
			}
			continue
		}
		got := make([]byte, len(s.bytes))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if !bytes.Equal(got, s.bytes) {
			return &mismatch{want: s.bytes, got: got}
		}
	}
	c.(*net.TCPConn).CloseWrite()
	rest, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &mismatch{want: nil, got: rest}
	}
	return nil
}

type mismatch struct{ want, got []byte }

func (m *mismatch) Error() string {
	return "bytes changed in transit:\nwant " + string(m.want) + "\ngot  " + string(m.got)
}

// waitEnded waits (bounded) until n sessions exist and all have ended.
func waitEnded(t testing.TB, st *store.Store, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ss := st.Sessions()
		ended := 0
		for _, s := range ss {
			if !s.Live() {
				ended++
			}
		}
		if len(ss) >= n && ended == len(ss) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("sessions did not end: %+v", st.Stats())
}

// dialAndRead sends req to addr, half-closes and returns all it gets back.
func dialAndRead(t testing.TB, addr, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// relayPair connects a client and an upstream through a fresh relay and
// returns both raw ends with buffered readers (10 s deadlines).
func relayPair(t *testing.T) (r *Relay, st *store.Store, client, up net.Conn, cr, ur *bufio.Reader) {
	t.Helper()
	ln := listen(t)
	r, st = startRelay(t, ln.Addr().String())
	client, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	up, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { up.Close() })
	client.SetDeadline(time.Now().Add(10 * time.Second))
	up.SetDeadline(time.Now().Add(10 * time.Second))
	return r, st, client, up, bufio.NewReader(client), bufio.NewReader(up)
}
