package dissect

import (
	"strings"

	"ptth-inspector/session"
)

// listHas reports whether a comma-separated header list holds token,
// case-insensitively, and returns the token as it was written.
func listHas(value, token string) (string, bool) {
	for value != "" {
		part, rest, _ := strings.Cut(value, ",")
		if part = strings.TrimSpace(part); strings.EqualFold(part, token) {
			return part, true
		}
		value = rest
	}
	return "", false
}

// headerValues joins every value of a header that may repeat.
func headerValues(m *session.Message, name string) string {
	var vals []string
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			vals = append(vals, h.Value)
		}
	}
	return strings.Join(vals, ",")
}

// ptthToken returns the PTTH token a message's Upgrade header names, if any.
func ptthToken(m *session.Message) (string, bool) {
	up := headerValues(m, "Upgrade")
	for _, tok := range []string{"PTTH/1.0", "PTTH/0.9"} {
		if t, ok := listHas(up, tok); ok {
			return t, true
		}
	}
	return "", false
}

// wantsClose reports whether a message ends its connection after itself:
// Connection: close, or HTTP/1.0 without keep-alive.
func wantsClose(m *session.Message) bool {
	conn := headerValues(m, "Connection")
	if _, ok := listHas(conn, "close"); ok {
		return true
	}
	if strings.EqualFold(m.Proto, "HTTP/1.0") {
		_, ka := listHas(conn, "keep-alive")
		return !ka
	}
	return false
}

// checkConnectionUpgrade hints when req, offering tok, lacks Connection: Upgrade.
func (c *Conn) checkConnectionUpgrade(ex *session.Exchange, req *session.Message, tok string) {
	if _, ok := listHas(headerValues(req, "Connection"), "upgrade"); !ok {
		c.hintOn(ex, session.HintNoConnectionUpgrade, "upgrade request offers "+tok+" without Connection: Upgrade")
	}
}

// check101Length hints when the 101 m carries Content-Length.
func (c *Conn) check101Length(ex *session.Exchange, m *session.Message) {
	if n := m.Header("Content-Length"); n != "" {
		c.hintOn(ex, session.HintContentLengthOn101, "101 carries Content-Length: "+n+" (a 101 has no body)")
	}
}

// offersPTTH returns the PTTH token a request offers, and whether the offer
// counts: Upgrade on an HTTP/1.0 request must be ignored.
func offersPTTH(req *session.Message) (string, bool) {
	tok, ok := ptthToken(req)
	return tok, ok && req.Proto != "HTTP/1.0"
}
