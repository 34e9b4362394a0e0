package ui

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"ptth-inspector/session"
	"ptth-inspector/session/edit"
)

// editBodyLimit is the largest body the editor lets you type in: a
// multi-line Entry costs about 240 ms a keystroke at 80 KB.
const editBodyLimit = 32 << 10

// bodyForm says how the editor shows a body: as editable text (its line
// ends shown as LF and sent as LF or CRLF), or read-only and sent intact.
type bodyForm struct {
	editable bool
	crlf     bool   // the text's LFs go out as CRLF
	why      string // why the body is read-only
}

// classifyBody decides how b can be edited: text of at most editBodyLimit
// bytes whose line ends are all LF or all CRLF is editable; anything else
// (large, binary, bare CR, mixed line ends) is shown read-only.
func classifyBody(b []byte) bodyForm {
	switch {
	case len(b) > editBodyLimit:
		return bodyForm{why: fmt.Sprintf("The body is %s, too big to edit here (the limit is %s); it is sent unchanged.",
			byteSize(int64(len(b))), byteSize(editBodyLimit))}
	case !utf8.Valid(b) || hasControl(b):
		return bodyForm{why: fmt.Sprintf("The body (%s) is binary; it is shown read-only and sent unchanged.", byteSize(int64(len(b))))}
	}
	crlf, cr, lf := bytes.Count(b, []byte("\r\n")), bytes.Count(b, []byte("\r")), bytes.Count(b, []byte("\n"))
	switch {
	case cr != crlf:
		return bodyForm{why: "The body has bare CR bytes; it is shown read-only and sent unchanged."}
	case crlf > 0 && crlf != lf:
		return bodyForm{why: "The body mixes CRLF and LF line ends; it is shown read-only and sent unchanged."}
	}
	return bodyForm{editable: true, crlf: crlf > 0}
}

// hasControl reports control bytes other than tab, CR and LF.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return true
		}
	}
	return false
}

// bodyText returns an editable body as the editor shows it: LF line ends.
func bodyText(b []byte, f bodyForm) string {
	if f.crlf {
		return strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return string(b)
}

// textBody turns the editor's text back into body bytes.
func textBody(s string, f bodyForm) []byte {
	if f.crlf {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
	}
	return []byte(s)
}

// headText returns the request's head as it goes out (Bytes), with LF line
// ends, through the empty line that ends it.
func headText(r edit.Request) string {
	b := r.Bytes()
	return strings.ReplaceAll(string(b[:len(b)-len(r.Body)]), "\r\n", "\n")
}

// rawText is what the raw view shows: the head, then the body when it is
// editable.
func rawText(r edit.Request, f bodyForm) string {
	if !f.editable {
		return headText(r)
	}
	return headText(r) + bodyText(r.Body, f)
}

// splitHead cuts the raw view's text after the empty line that ends the
// head (blank lines before the start line do not count); ok is false when
// there is no such line.
func splitHead(text string) (head, body string, ok bool) {
	seen := false
	for pos := 0; pos < len(text); {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			break
		}
		line := strings.TrimSuffix(text[pos:pos+end], "\r")
		if line == "" && seen {
			return text[:pos], text[pos+end+1:], true
		}
		seen = seen || line != ""
		pos += end + 1
	}
	return text, "", false
}

// parseRaw reads the raw view's text into a request. A read-only body is
// not in the text: kept is used instead, and text after the head is an
// error.
func parseRaw(text string, f bodyForm, kept []byte) (edit.Request, error) {
	head, body, ok := splitHead(text)
	raw := []byte(text)
	if ok {
		raw = append([]byte(head+"\n"), textBody(body, f)...)
		if !f.editable {
			if strings.TrimSpace(body) != "" {
				return edit.Request{}, fmt.Errorf("the body is read-only here; leave nothing after the empty line")
			}
			raw = []byte(head + "\n")
		}
	}
	r, err := edit.Parse(raw)
	if err != nil {
		return edit.Request{}, err
	}
	if !f.editable {
		r.Body = bytes.Clone(kept)
	}
	return r, nil
}

// wireNote says how the headers that go out differ from the table (what
// AutoLength adds or drops) and what in the request line peers would
// likely refuse, which makes it a warning. It is "" when there is nothing
// to say.
func wireNote(r edit.Request) (note string, warn bool) {
	var says []string
	if !r.Unedited() {
		wire := r.WireHeaders()
		var notes []string
		for _, h := range wire {
			if !hasHeader(r.Headers, h) {
				notes = append(notes, fmt.Sprintf("adds %s: %s", h.Name, h.Value))
			}
		}
		for _, h := range r.Headers {
			if !hasHeader(wire, h) {
				notes = append(notes, "drops "+h.Name+": "+h.Value)
			}
		}
		if len(notes) > 0 {
			says = append(says, "Sending "+strings.Join(notes, ", ")+".")
		}
	}
	p := r.Problems()
	if len(p) > 0 {
		says = append(says, "Check before sending: "+strings.Join(p, "; ")+".")
	}
	return strings.Join(says, " "), len(p) > 0
}

func hasHeader(hs []session.Header, h session.Header) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// syncLength sets the value of every Content-Length header in hs to n and
// reports whether anything changed.
func syncLength(hs []session.Header, n int) bool {
	v, changed := fmt.Sprint(n), false
	for i := range hs {
		if strings.EqualFold(hs[i].Name, "Content-Length") && hs[i].Value != v {
			hs[i].Value, changed = v, true
		}
	}
	return changed
}
