package diff

import (
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op is what a line of a body diff does.
type Op uint8

// Line operations.
const (
	Equal  Op = iota // in both bodies
	Insert           // only in b
	Delete           // only in a
)

// String returns " ", "+" or "-", the unified-diff marker.
func (o Op) String() string {
	switch o {
	case Insert:
		return "+"
	case Delete:
		return "-"
	}
	return " "
}

// Line is one line of a body diff.
type Line struct {
	Op    Op
	Text  string // the line without its LF; a CR before the LF is kept
	NoEOL bool   // the body ends with this line and it has no LF
}

// String renders the line in unified-diff style.
func (l Line) String() string {
	s := l.Op.String() + l.Text
	if l.NoEOL {
		s += "\n\\ No newline at end of body"
	}
	return s
}

// DiffTimeout bounds the time the line diff searches for a minimal diff; past
// it the diff is still correct but may be longer than needed.
const DiffTimeout = 2 * time.Second

// runeSkip is where line numbers, used as runes, jump over the surrogate
// range that cannot travel through a Go string.
const runeSkip, surrogates = 0xd800, 0x800

// maxLines is how many distinct lines fit in the rune space.
const maxLines = 0x110000 - surrogates

// lineDiff diffs a and b line by line with diff-match-patch's Myers
// implementation, each distinct line mapped to one rune.
func lineDiff(a, b string) (lines []Line, inserted, deleted int) {
	la, lb := splitLines(a), splitLines(b)
	ids := map[string]rune{}
	toRunes := func(ls []string) []rune {
		rs := make([]rune, len(ls))
		for i, l := range ls {
			r, ok := ids[l]
			if !ok {
				r = rune(len(ids))
				if r >= runeSkip {
					r += surrogates
				}
				ids[l] = r
			}
			rs[i] = r
		}
		return rs
	}
	var ops []diffmatchpatch.Diff
	if len(la)+len(lb) > maxLines {
		ops = []diffmatchpatch.Diff{
			{Type: diffmatchpatch.DiffDelete, Text: strings.Repeat("x", len(la))},
			{Type: diffmatchpatch.DiffInsert, Text: strings.Repeat("x", len(lb))},
		}
	} else {
		dmp := diffmatchpatch.New()
		dmp.DiffTimeout = DiffTimeout
		ra, rb := toRunes(la), toRunes(lb)
		ops = dmp.DiffMainRunes(ra, rb, false)
	}
	ia, ib := 0, 0
	for _, d := range ops {
		n := len([]rune(d.Text))
		for k := 0; k < n; k++ {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				lines = append(lines, mkLine(Equal, la[ia]))
				ia++
				ib++
			case diffmatchpatch.DiffDelete:
				lines = append(lines, mkLine(Delete, la[ia]))
				ia++
				deleted++
			case diffmatchpatch.DiffInsert:
				lines = append(lines, mkLine(Insert, lb[ib]))
				ib++
				inserted++
			}
		}
	}
	return lines, inserted, deleted
}

// splitLines cuts s after each LF; a last line without LF is kept.
func splitLines(s string) []string {
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

func mkLine(op Op, l string) Line {
	if t, ok := strings.CutSuffix(l, "\n"); ok {
		return Line{Op: op, Text: t}
	}
	return Line{Op: op, Text: l, NoEOL: true}
}
