package comet

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestSeedTranscriptBodies decodes the JSON bodies of the shared seed
// transcript: the event, the reply and the ack, in that order.
func TestSeedTranscriptBodies(t *testing.T) {
	f, err := os.Open("../testdata/seed-comet.transcript")
	if os.IsNotExist(err) {
		t.Skip("seed transcript not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var bodies []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); len(line) > 1 && line[1] == '{' {
			bodies = append(bodies, line[1:])
		}
	}
	if len(bodies) != 3 {
		t.Fatalf("found %d JSON bodies, want 3", len(bodies))
	}
	if bodies[0] != seedEventBody || bodies[1] != seedReplyBody {
		t.Errorf("transcript bodies differ from the test constants:\n%s\n%s", bodies[0], bodies[1])
	}
	ev, rp, ack := mustDecode(t, bodies[0]), mustDecode(t, bodies[1]), mustDecode(t, bodies[2])
	if len(ev.Events) != 1 || !reflect.DeepEqual(ev.Events[0], seedEvent) {
		t.Errorf("event = %+v", ev)
	}
	if len(rp.Replies) != 1 || rp.Replies[0].MessageID != ev.Events[0].MessageID || !strings.HasPrefix(string(rp.Replies[0].Body), "rdlrow") {
		t.Errorf("reply = %+v", rp)
	}
	if !ack.Ack {
		t.Errorf("last body %q decoded as %+v, want the ack", bodies[2], ack)
	}
}
