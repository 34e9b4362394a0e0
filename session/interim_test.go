package session

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestInterimNamesTheResponsesBeforeTheFinalOne(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		status int
		want   []string
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, nil},
		{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\n\r\n", 201,
			[]string{"HTTP/1.1 100 Continue", "HTTP/1.1 103 Early Hints"}},
		{"HTTP/1.1 100 Continue\n\nHTTP/1.1 101 Switching Protocols\nUpgrade: PTTH/1.0\n\n", 101, []string{"HTTP/1.1 100 Continue"}},
		{"HTTP/1.1 100 Continue\r\n\r\n", 100, nil},
	} {
		m := &Message{Status: tc.status, Raw: []byte(tc.raw), HeadLen: len(tc.raw)}
		if got := m.Interim(); !slices.Equal(got, tc.want) {
			t.Errorf("%q: Interim() = %q, want %q", tc.raw, got, tc.want)
		}
		final := strings.Index(tc.raw, fmt.Sprintf(" %d ", tc.status))
		final = strings.LastIndex(tc.raw[:final], "HTTP/")
		if tc.want == nil {
			final = 0
		}
		if got := m.InterimLen(); got != final {
			t.Errorf("%q: InterimLen() = %d, want %d", tc.raw, got, final)
		}
	}
}
