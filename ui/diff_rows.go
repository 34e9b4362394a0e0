package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"ptth-inspector/session"
	"ptth-inspector/session/diff"
)

// diffRow is one line of the unified diff view.
type diffRow struct {
	mark    string // "  " same, "+ " added, "- " removed, "~-"/"~+" changed (a, b); "" for titles and notes
	text    string
	kind    diffRowKind
	ignored bool // a volatile header: listed, not counted
}

// diffRowKind colours a row.
type diffRowKind uint8

const (
	rowSame diffRowKind = iota
	rowAdded
	rowRemoved
	rowChanged
	rowTitle
	rowNote
)

// colour returns the row's text colour name.
func (k diffRowKind) colour(ignored bool) fyne.ThemeColorName {
	if ignored {
		return fynetheme.ColorNamePlaceHolder
	}
	switch k {
	case rowAdded:
		return fynetheme.ColorNameSuccess
	case rowRemoved:
		return fynetheme.ColorNameError
	case rowChanged:
		return fynetheme.ColorNameWarning
	case rowNote:
		return fynetheme.ColorNamePlaceHolder
	}
	return fynetheme.ColorNameForeground
}

// String renders the row as a line of text (for copying and tests).
func (r diffRow) String() string {
	s := r.mark + r.text
	if r.ignored {
		s += "   (ignored)"
	}
	return s
}

// diffRows lays a comparison out as unified-diff rows: for the request and
// then the response, the start line, headers, trailers and body lines.
func diffRows(res diff.Result) []diffRow {
	var rows []diffRow
	rows = partRows(rows, "Request", &res.Request)
	rows = append(rows, diffRow{})
	return partRows(rows, "Response", &res.Response)
}

func partRows(rows []diffRow, title string, p *diff.Part) []diffRow {
	rows = append(rows, diffRow{text: title, kind: rowTitle})
	if !p.Present() {
		if p.A == nil && p.B == nil {
			return append(rows, diffRow{text: "(neither side has one: " + p.AbsentA + ")", kind: rowNote})
		}
		if p.A == nil {
			rows = append(rows, diffRow{text: "(A has none: " + p.AbsentA + ")", kind: rowNote})
		} else {
			rows = append(rows, diffRow{text: "(B has none: " + p.AbsentB + ")", kind: rowNote})
		}
	}
	switch p.StartKind() {
	case diff.Same:
		rows = append(rows, diffRow{mark: "  ", text: p.StartA})
	case diff.Added:
		rows = append(rows, diffRow{mark: "+ ", text: p.StartB, kind: rowAdded})
	case diff.Removed:
		rows = append(rows, diffRow{mark: "- ", text: p.StartA, kind: rowRemoved})
	case diff.Changed:
		rows = append(rows, diffRow{mark: "~-", text: p.StartA, kind: rowChanged},
			diffRow{mark: "~+", text: p.StartB, kind: rowChanged})
	}
	rows = headerRows(rows, p.Headers)
	if len(p.Trailers) > 0 {
		rows = append(rows, diffRow{text: "Trailers", kind: rowNote})
		rows = headerRows(rows, p.Trailers)
	}
	if p.A == nil && p.B == nil {
		return rows
	}
	return bodyRows(rows, &p.Body)
}

func headerRows(rows []diffRow, hs []diff.HeaderLine) []diffRow {
	line := func(h session.Header) string { return h.Name + ": " + h.Value }
	for _, h := range hs {
		switch h.Kind {
		case diff.Same:
			rows = append(rows, diffRow{mark: "  ", text: line(h.A), ignored: h.Ignored})
		case diff.Added:
			rows = append(rows, diffRow{mark: "+ ", text: line(h.B), kind: rowAdded, ignored: h.Ignored})
		case diff.Removed:
			rows = append(rows, diffRow{mark: "- ", text: line(h.A), kind: rowRemoved, ignored: h.Ignored})
		case diff.Changed:
			rows = append(rows, diffRow{mark: "~-", text: line(h.A), kind: rowChanged, ignored: h.Ignored},
				diffRow{mark: "~+", text: line(h.B), kind: rowChanged, ignored: h.Ignored})
		}
	}
	return rows
}

func bodyRows(rows []diffRow, b *diff.Body) []diffRow {
	what := fmt.Sprintf("Body (%s): A %s, B %s", b.Kind, byteSize(int64(b.LenA)), byteSize(int64(b.LenB)))
	switch {
	case b.Kind == diff.BodyEmpty:
		what = "Body: empty on both sides"
	case b.Same:
		what += ", the same"
	case b.Kind == diff.BodyBinary:
		what += fmt.Sprintf(", first difference at offset %d", b.Offset)
	default:
		what += fmt.Sprintf(", +%d −%d lines", b.Inserted, b.Deleted)
	}
	rows = append(rows, diffRow{text: what, kind: rowNote})
	for _, n := range b.Notes {
		rows = append(rows, diffRow{text: "note: " + n, kind: rowNote})
	}
	for _, l := range b.Lines {
		r := diffRow{mark: "  ", text: strings.TrimSuffix(l.Text, "\r")}
		switch l.Op {
		case diff.Insert:
			r.mark, r.kind = "+ ", rowAdded
		case diff.Delete:
			r.mark, r.kind = "- ", rowRemoved
		}
		rows = append(rows, r)
		if l.NoEOL {
			rows = append(rows, diffRow{text: `\ No newline at end of body`, kind: rowNote})
		}
	}
	return rows
}

// parseIgnore reads the comma-separated ignore list.
func parseIgnore(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
