package pack

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"ptth-inspector/session"
)

// Header strings the relay's parser slices out of a whole message head must
// not keep the head in memory once their exchange is packed (review: the
// table's seen-once candidates held the strings themselves).
func TestPackingKeepsNoHeadAlive(t *testing.T) {
	a := New()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	const n, headSize = 2000, 32 << 10
	for i := 0; i < n; i++ {
		head := fmt.Sprintf("X-Id: %08d\r\n", i) + strings.Repeat("p", headSize)
		a.Put(&session.Exchange{ID: fmt.Sprint(i), Request: &session.Message{Headers: []session.Header{{Name: head[:4], Value: head[6:14]}}}})
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	grown := int64(ms.HeapAlloc) - int64(before)
	if pinned := int64(n * headSize); grown > pinned/8 {
		t.Fatalf("heap grew by %d bytes for %d bytes of arena: the %d heads (%d bytes) stayed alive", grown, a.Bytes(), n, pinned)
	}
	runtime.KeepAlive(a)
}
