package export

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"ptth-inspector/session"
)

// harTimeLayout is startedDateTime's layout: milliseconds, as browsers write it.
const harTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Creator is what the HAR export names as its creator.
var Creator = HARCreator{Name: "PTTH Inspector", Version: "1"}

// WriteHAR writes src as HAR 1.2: every exchange, forward and reversed, is
// an entry (in first-seen order) with its PTTH facts under _ptth. Entries
// are written one at a time, into the document encoded around an empty
// entries list, so the output is what encoding the whole document at once
// gives.
func WriteHAR(w io.Writer, src Source) error { return writeHAR(w, src, nil) }

func writeHAR(w io.Writer, src Source, warn func(string)) error {
	doc := HAR{Log: HARLog{Version: "1.2", Creator: Creator, Entries: []HAREntry{}, PTTH: &HARLogPTTH{Version: JSONVersion}}}
	sessions := map[string]*session.Session{}
	for _, s := range src.Sessions() {
		sessions[s.ID] = s
		doc.Log.PTTH.Sessions = append(doc.Log.PTTH.Sessions, SessionJSON(s))
	}
	var frame bytes.Buffer
	if err := harEncoder(&frame, "").Encode(doc); err != nil {
		return err
	}
	const slot = "\n    \"entries\": []"
	cut := bytes.Index(frame.Bytes(), []byte(slot))
	if cut < 0 {
		return errors.New("har: entries missing from the encoded log") // HARLog changed
	}
	cut += len(slot) - 1 // before the "]"
	bw := bufio.NewWriter(w)
	bw.Write(frame.Bytes()[:cut])
	entries := newJSONList(bw, "      ", true) // an entry's indent inside the log
	err := eachReadable(src, warn, true, func(e *session.Exchange) error {
		s := sessions[e.Session]
		if s == nil {
			s = &session.Session{ID: e.Session}
		}
		ent, err := harEntry(e, s)
		if err != nil {
			return err
		}
		return entries.item(ent)
	})
	if err != nil {
		return err
	}
	if entries.n > 0 {
		bw.WriteString("\n    ")
	}
	bw.Write(frame.Bytes()[cut:])
	return bw.Flush()
}

// harEncoder encodes as the HAR export does: two-space indents after
// prefix, no HTML escaping.
func harEncoder(w io.Writer, prefix string) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	return enc
}

// ms turns a duration into milliseconds with microsecond precision; -1
// when either end is unknown or the span is negative.
func ms(from, to time.Time) float64 {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return -1
	}
	return math.Round(float64(to.Sub(from))/float64(time.Microsecond)) / 1000
}

func harEntry(e *session.Exchange, s *session.Session) (HAREntry, error) {
	ent := HAREntry{Connection: e.Session, Comment: e.Error}
	p := &HAREntryPTTH{Session: e.Session, Exchange: e.ID, Seq: e.Seq, Direction: e.Direction.String(),
		Transport: e.Transport.String(), MessageID: e.MessageID, Carriers: e.Carriers, Carries: e.Carries,
		ReplayOf: e.ReplayOf, Injected: e.Injected, Hints: jsonHints(e.Hints), Error: e.Error}
	if len(p.Hints) == 0 {
		p.Hints = nil
	}
	var err error
	if p.Original, err = MessageJSON(e.Original); err != nil {
		return ent, err
	}
	if s.Flip != nil {
		p.Flip = ts(s.Flip.At)
	}
	ent.PTTH = p
	req, resp := e.Request, e.Response
	start := time.Time{}
	switch {
	case req != nil:
		start = req.First
	case resp != nil:
		start = resp.First
	}
	ent.StartedDateTime = start.UTC().Format(harTimeLayout)
	p.Started = ts(start)
	ent.Timings = HARTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Send: -1, Wait: -1, Receive: -1}
	host := s.Upstream
	if e.Direction == session.Reverse {
		host = s.Client
	}
	if ip, _, err := net.SplitHostPort(host); err == nil && net.ParseIP(ip) != nil {
		ent.ServerIPAddress = ip
	}
	if req != nil {
		p.Target = req.Target
		if ent.Request, err = harRequest(req, e.Direction, s); err != nil {
			return ent, err
		}
		ent.Timings.Send = ms(req.First, req.Last)
	} else {
		p.NoRequest = true
		ent.Request = HARRequest{URL: "http://" + hostOr(host) + "/", Cookies: []HARCookie{}, Headers: []HARNV{},
			QueryString: []HARNV{}, HeadersSize: -1, BodySize: -1}
	}
	if resp != nil {
		if ent.Response, err = harResponse(resp); err != nil {
			return ent, err
		}
		ent.Timings.Receive = ms(resp.First, resp.Last)
		if req != nil {
			ent.Timings.Wait = ms(req.Last, resp.First)
		}
	} else {
		p.NoResponse = true
		ent.Response = HARResponse{Cookies: []HARCookie{}, Headers: []HARNV{}, Content: HARContent{MimeType: "x-unknown"},
			HeadersSize: -1, BodySize: -1}
	}
	for _, t := range []float64{ent.Timings.Send, ent.Timings.Wait, ent.Timings.Receive} {
		if t > 0 {
			ent.Time += t
		}
	}
	ent.Time = math.Round(ent.Time*1000) / 1000
	return ent, nil
}

func hostOr(h string) string {
	if h == "" {
		return "unknown"
	}
	return h
}

// RequestURL is the absolute URL a HAR entry shows: an absolute target as
// it is; otherwise http:// plus, for a forward request, its Host header (or
// the upstream address when Host is missing or empty) and, for a reversed
// request, the client's address (the peer that answers it), then the target.
func RequestURL(m *session.Message, dir session.Direction, s *session.Session) string {
	t := m.Target
	if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") {
		return uriSafe(t)
	}
	host := s.Client
	if dir == session.Forward {
		host = strings.TrimSpace(m.Header("Host"))
		if host == "" {
			host = s.Upstream
		}
	}
	return "http://" + uriSafe(hostOr(host)) + "/" + uriSafe(strings.TrimPrefix(t, "/"))
}

// uriSafe percent-encodes the bytes a URI may not hold.
func uriSafe(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		bad := c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0
		if c == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
			bad = true
		}
		if bad {
			b.WriteString("%" + strings.ToUpper(string(hexDigits[c>>4])+string(hexDigits[c&15])))
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return strings.IndexByte("0123456789abcdefABCDEF", c) >= 0 }

func harHeaders(hs []session.Header) []HARNV {
	out := make([]HARNV, 0, len(hs))
	for _, h := range hs {
		out = append(out, HARNV{h.Name, h.Value})
	}
	return out
}

// bodyText returns a body as text, or base64 with "base64" when not UTF-8.
func bodyText(b []byte) (text, encoding string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

func sizes(m *session.Message, raw []byte) (head, body int64) {
	if len(raw) == 0 {
		return -1, -1
	}
	h := min(m.HeadLen, len(raw))
	withRaw := *m
	withRaw.Raw = raw                                           // raw may have been read from the capture file
	return int64(h - withRaw.InterimLen()), int64(len(raw) - h) // interim 1xx bytes are not this message's head
}

func harRequest(m *session.Message, dir session.Direction, s *session.Session) (HARRequest, error) {
	raw, err := m.Wire()
	if err != nil {
		return HARRequest{}, err
	}
	r := HARRequest{Method: m.Method, URL: RequestURL(m, dir, s), HTTPVersion: m.Proto, Headers: harHeaders(m.Headers),
		Cookies: requestCookies(m), QueryString: queryString(m.Target)}
	r.HeadersSize, r.BodySize = sizes(m, raw)
	body, _ := m.Body()
	if len(body) > 0 {
		text, enc := bodyText(body)
		r.PostData = &HARPostData{MimeType: m.Header("Content-Type"), Text: text, Encoding: enc}
	}
	return r, nil
}

func harResponse(m *session.Message) (HARResponse, error) {
	raw, err := m.Wire()
	if err != nil {
		return HARResponse{}, err
	}
	r := HARResponse{Status: m.Status, StatusText: m.Reason, HTTPVersion: m.Proto, Headers: harHeaders(m.Headers),
		Cookies: responseCookies(m), RedirectURL: m.Header("Location")}
	r.HeadersSize, r.BodySize = sizes(m, raw)
	body, _ := m.Body()
	r.Content = HARContent{Size: max(int64(len(body)), m.BodyLen), MimeType: m.Header("Content-Type")}
	r.Content.Text, r.Content.Encoding = bodyText(body)
	return r, nil
}

func queryString(target string) []HARNV {
	out := []HARNV{}
	_, q, ok := strings.Cut(target, "?")
	if !ok {
		return out
	}
	q, _, _ = strings.Cut(q, "#")
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, HARNV{unescapeQuery(k), unescapeQuery(v)})
	}
	return out
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func requestCookies(m *session.Message) []HARCookie {
	out := []HARCookie{}
	for _, h := range m.Headers {
		if !strings.EqualFold(h.Name, "Cookie") {
			continue
		}
		for _, part := range strings.Split(h.Value, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
				out = append(out, HARCookie{Name: k, Value: v})
			}
		}
	}
	return out
}

func responseCookies(m *session.Message) []HARCookie {
	out := []HARCookie{}
	for _, h := range m.Headers {
		if !strings.EqualFold(h.Name, "Set-Cookie") {
			continue
		}
		parts := strings.Split(h.Value, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(parts[0]), "=")
		if !ok {
			continue
		}
		c := HARCookie{Name: k, Value: v}
		for _, a := range parts[1:] {
			an, av, _ := strings.Cut(strings.TrimSpace(a), "=")
			switch strings.ToLower(an) {
			case "path":
				c.Path = av
			case "domain":
				c.Domain = av
			case "httponly":
				c.HTTPOnly = true
			case "secure":
				c.Secure = true
			}
		}
		out = append(out, c)
	}
	return out
}
