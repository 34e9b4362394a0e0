package filter

import (
	"bytes"
	"unsafe"
)

// ContainsFold reports whether hay contains needle, ignoring ASCII case.
// needle must already be lower-cased (LowerASCII). It anchors the search on
// the needle's rarest byte and lets bytes.IndexByte skip ahead, so a miss
// costs about two vectorised scans of hay.
func ContainsFold(hay, needle []byte) bool {
	nd := newNeedle(needle)
	return nd.in(hay)
}

// needle is a lower-cased search word with its anchor byte worked out once.
type needle struct {
	b      []byte
	k      int  // index of the anchor byte in b
	lo, up byte // the anchor in lower and upper case (equal if not a letter)
}

func newNeedle(b []byte) needle {
	k := 0
	if len(b) > 0 {
		k = anchor(b)
	}
	nd := needle{b: b, k: k}
	if len(b) > 0 {
		nd.lo, nd.up = b[k], b[k]
		if nd.lo >= 'a' && nd.lo <= 'z' {
			nd.up = nd.lo - 'a' + 'A'
		}
	}
	return nd
}

// in reports whether hay holds the needle, ignoring ASCII case.
func (nd *needle) in(hay []byte) bool {
	n, k := len(nd.b), nd.k
	if n == 0 {
		return true
	}
	if n > len(hay) {
		return false
	}
	// Anchor positions i satisfy k <= i and i-k+n <= len(hay).
	end := len(hay) - n + k + 1
	if end-k < 32 {
		return nd.scan(hay[k:end], hay)
	}
	if nd.lo == nd.up {
		for off := k; off < end; {
			j := bytes.IndexByte(hay[off:end], nd.lo)
			if j < 0 {
				return false
			}
			i := off + j
			if equalLower(hay[i-k:i-k+n], nd.b) {
				return true
			}
			off = i + 1
		}
		return false
	}
	nextLo, nextUp := -2, -2 // -2: not searched yet; -1: none left
	for off := k; off < end; {
		if nextLo != -1 && nextLo < off {
			nextLo = indexFrom(hay[:end], nd.lo, off)
		}
		if nextUp != -1 && nextUp < off {
			nextUp = indexFrom(hay[:end], nd.up, off)
		}
		i := nextLo
		if i < 0 || (nextUp >= 0 && nextUp < i) {
			i = nextUp
		}
		if i < 0 {
			return false
		}
		if equalLower(hay[i-k:i-k+n], nd.b) {
			return true
		}
		off = i + 1
	}
	return false
}

// scan checks short hays byte by byte, cheaper than calling IndexByte.
func (nd *needle) scan(anchors, hay []byte) bool {
	for j, c := range anchors {
		if c == nd.lo || c == nd.up {
			if equalLower(hay[j:j+len(nd.b)], nd.b) {
				return true
			}
		}
	}
	return false
}

func (nd *needle) inString(s string) bool {
	if len(s) < len(nd.b) {
		return false
	}
	return nd.in(unsafe.Slice(unsafe.StringData(s), len(s)))
}

func indexFrom(b []byte, c byte, off int) int {
	j := bytes.IndexByte(b[off:], c)
	if j < 0 {
		return -1
	}
	return off + j
}

// equalLower compares a against lower-cased b, folding ASCII letters of a.
func equalLower(a, b []byte) bool {
	for i, c := range a {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

// LowerASCII lower-cases ASCII letters only, leaving other bytes as they are,
// so it agrees with ContainsFold's folding.
func LowerASCII(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// commonness ranks how often a byte turns up in HTTP heads and bodies; the
// needle's least common byte is the cheapest anchor.
var commonness = func() [256]uint8 {
	var t [256]uint8
	for i := range t {
		t[i] = 10
	}
	const letters = "zqjxkvbpygfwmucldrhsnioate" // rarest first
	for i := 0; i < len(letters); i++ {
		// Letters are searched in both cases, so they start above digits.
		t[letters[i]] = uint8(20 + 2*i)
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 30
	}
	for _, c := range []byte(" :/-.,=\"'\r\n") {
		t[c] = 80
	}
	return t
}()

func anchor(needle []byte) int {
	best := 0
	for i := 1; i < len(needle); i++ {
		if commonness[needle[i]] < commonness[needle[best]] {
			best = i
		}
	}
	return best
}
