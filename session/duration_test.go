package session

import (
	"testing"
	"time"
)

func TestDurationRunsToTheLaterOfTheTwoMessages(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	for _, tc := range []struct {
		reqLast, respFirst, respLast int
		want                         time.Duration
	}{
		{10, 20, 30, 30 * time.Millisecond},   // the usual order
		{700, 1, 1, 700 * time.Millisecond},   // answered early: the request ends last
		{700, 1, 900, 900 * time.Millisecond}, // answered early, the answer ends last
	} {
		e := &Exchange{Request: &Message{First: t0, Last: at(tc.reqLast)}, Response: &Message{First: at(tc.respFirst), Last: at(tc.respLast)}}
		if got := e.Duration(); got != tc.want {
			t.Errorf("%+v: Duration = %v, want %v", tc, got, tc.want)
		}
	}
	if d := (&Exchange{Request: &Message{First: t0}}).Duration(); d != 0 {
		t.Errorf("pending: %v", d)
	}
}
