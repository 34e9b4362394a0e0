package export

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"ptth-inspector/session"
)

// curlDefaults are headers curl adds on its own; a request without them
// gets "-H 'Name:'" so curl leaves them out.
var curlDefaults = []string{"Host", "User-Agent", "Accept"}

// WriteCurl writes a sh script: one curl command per forward request, sent
// to the session's upstream with the method, headers in wire order and body
// as captured. Reversed requests (sent by the upstream to the client) become
// comments with their raw form. curl always sends Host first.
func WriteCurl(w io.Writer, src Source) error { return writeCurl(w, src, nil) }

func writeCurl(w io.Writer, src Source, warn func(string)) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("#!/bin/sh\n# PTTH Inspector curl export: one command per forward request, sent to the upstream.\n")
	sessions := map[string]*session.Session{}
	for _, s := range src.Sessions() {
		sessions[s.ID] = s
	}
	err := eachReadable(src, warn, false, func(e *session.Exchange) error {
		if e.Request == nil {
			return nil
		}
		s := sessions[e.Session]
		if s == nil {
			s = &session.Session{ID: e.Session}
		}
		fmt.Fprintf(bw, "\n# exchange %s, session %s, #%d, %s %s\n", e.ID, e.Session, e.Seq, e.Direction, e.Transport)
		var err error
		if e.Direction == session.Reverse {
			err = curlReversed(bw, e, s)
		} else {
			var cmd string
			if cmd, err = CurlCommand(e.Request, s.Upstream); err == nil {
				bw.WriteString(cmd + "\n")
			}
		}
		if err != nil {
			return fmt.Errorf("exchange %s: %w", e.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

func curlReversed(w *bufio.Writer, e *session.Exchange, s *session.Session) error {
	raw, err := e.Request.Wire()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# reversed: the upstream sent this request to the client %s; it runs against a client,\n", hostOr(s.Client))
	w.WriteString("# not an upstream, so there is no curl command. Its raw form, in transcript notation:\n")
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if line != "" {
			w.WriteString("#   " + Escape(trimLineEnd([]byte(line))) + "\n")
		}
	}
	return nil
}

// CurlCommand returns a runnable command line sending m to upstream (host:port).
func CurlCommand(m *session.Message, upstream string) (string, error) {
	body, err := m.Body()
	if err != nil && body == nil {
		return "", err
	}
	var args []string
	if len(body) > 0 {
		args = append(args, "printf", shellQuote(printfFormat(body)), "|")
	}
	args = append(args, "curl", "--silent", "--show-error", "--path-as-is", "--globoff")
	switch strings.ToUpper(m.Proto) {
	case "HTTP/1.0":
		args = append(args, "--http1.0")
	default:
		args = append(args, "--http1.1")
	}
	switch {
	case m.Method == "HEAD":
		args = append(args, "--head")
	case m.Method != "GET" || len(body) > 0:
		args = append(args, "-X", shellQuote(m.Method))
	}
	has := func(name string) bool {
		for _, h := range m.Headers {
			if strings.EqualFold(h.Name, name) {
				return true
			}
		}
		return false
	}
	for _, h := range m.Headers {
		if strings.TrimSpace(h.Value) == "" {
			args = append(args, "-H", shellQuote(h.Name+";"))
		} else {
			args = append(args, "-H", shellQuote(h.Name+": "+h.Value))
		}
	}
	drop := slices.Clone(curlDefaults)
	if len(body) > 0 {
		drop = append(drop, "Content-Type", "Expect")
	}
	for _, d := range drop {
		if !has(d) {
			args = append(args, "-H", shellQuote(d+":"))
		}
	}
	if len(body) > 0 {
		args = append(args, "--data-binary", "@-")
	}
	base := "http://" + hostOr(upstream)
	if strings.HasPrefix(m.Target, "/") && uriSafe(m.Target) == m.Target && !strings.Contains(m.Target, "#") {
		args = append(args, shellQuote(base+m.Target))
	} else {
		args = append(args, "--request-target", shellQuote(m.Target), shellQuote(base+"/"))
	}
	return strings.Join(args, " "), nil
}

// shellQuote single-quotes s for sh.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("@%+=:,./-_", r)))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printfFormat writes b as a printf format that prints exactly b: printable
// text as it is, % as %%, backslash as \\, other bytes as \NNN octal.
func printfFormat(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '%':
			out.WriteString("%%")
		case r == '\\':
			out.WriteString(`\\`)
		case r != utf8.RuneError && r != '\t' && unicode.IsPrint(r):
			out.Write(b[:n])
		default:
			for _, c := range b[:n] {
				fmt.Fprintf(&out, `\%03o`, c)
			}
		}
		b = b[n:]
	}
	return out.String()
}
