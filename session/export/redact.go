package export

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"

	"ptth-inspector/session"
)

// DefaultRedactHeaders are the headers whose values are always masked.
var DefaultRedactHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Apple-Session-ID"}

// minGlobalSecret is the shortest secret also masked wherever else it
// appears; shorter ones are masked only in their own header.
const minGlobalSecret = 4

// RedactOptions say what a Redactor masks.
type RedactOptions struct {
	Headers []string         // header names masked besides DefaultRedactHeaders (case-insensitive)
	Bodies  []*regexp.Regexp // every match in a body (or transcript line) is masked
	Key     []byte           // HMAC key for the masks; nil picks a random one
}

// Redactor masks secrets the same way in every format: each secret becomes
// a mask of its own length built from 6 hex digits of an HMAC of it (see
// Mask), so one secret always gets one mask within an export, flows stay
// followable, and every length on the wire (Content-Length, chunk sizes)
// stays true. Not safe for concurrent use.
type Redactor struct {
	headers map[string]bool
	bodies  []*regexp.Regexp
	key     []byte
	secrets map[string]string // secret (and its escaped forms) -> mask
	repl    *strings.Replacer
}

// NewRedactor returns a Redactor for o.
func NewRedactor(o RedactOptions) *Redactor {
	r := &Redactor{headers: map[string]bool{}, bodies: o.Bodies, key: o.Key, secrets: map[string]string{}}
	for _, h := range append(slices.Clone(DefaultRedactHeaders), o.Headers...) {
		r.headers[strings.ToLower(strings.TrimSpace(h))] = true
	}
	if r.key == nil {
		r.key = make([]byte, 32)
		rand.Read(r.key)
	}
	return r
}

// Mask returns the mask for a secret: as long as the secret, "REDACTED-"
// and 6 hex digits of an HMAC of it, then "*" up to its length; a secret
// shorter than 15 bytes gets "*"s and as many of those digits as fit.
func (r *Redactor) Mask(secret string) string { return r.maskAs(secret, len(secret)) }

// maskAs returns secret's mask cut or padded to n bytes, for a form of the
// secret (escaped in JSON, say) that is n bytes long.
func (r *Redactor) maskAs(secret string, n int) string {
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte(secret))
	tag := hex.EncodeToString(h.Sum(nil))[:6]
	const long = "REDACTED-"
	if n >= len(long)+len(tag) {
		return long + tag + strings.Repeat("*", n-len(long)-len(tag))
	}
	digits := max(min(len(tag), n-1), 0)
	return strings.Repeat("*", n-digits) + tag[:digits]
}

// Redacts reports whether values of the named header are masked.
func (r *Redactor) Redacts(header string) bool { return r.headers[strings.ToLower(header)] }

// AddSecret makes s masked wherever it appears from now on.
func (r *Redactor) AddSecret(s string) {
	if len(s) < minGlobalSecret {
		return
	}
	if _, ok := r.secrets[s]; ok {
		return
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	jsHTML, _ := json.Marshal(s)
	py := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
	for _, v := range []string{s, strings.Trim(strings.TrimSpace(js.String()), `"`), strings.Trim(string(jsHTML), `"`), py} {
		r.secrets[v] = r.maskAs(s, len(v))
	}
	r.repl = nil
}

// learnHeader notes the secrets in one header field if its name is masked:
// the whole value, the credentials after an auth scheme and cookie values.
func (r *Redactor) learnHeader(name, value string) {
	if !r.Redacts(name) {
		return
	}
	value = strings.TrimSpace(value)
	r.AddSecret(value)
	if _, cred, ok := strings.Cut(value, " "); ok {
		r.AddSecret(strings.TrimSpace(cred))
	}
	for _, part := range strings.Split(value, ";") {
		if _, v, ok := strings.Cut(part, "="); ok {
			r.AddSecret(strings.Trim(strings.TrimSpace(v), `"`))
		}
	}
}

func (r *Redactor) learnText(b []byte) {
	for _, re := range r.bodies {
		for _, m := range re.FindAll(b, -1) {
			r.AddSecret(string(m))
		}
	}
}

func (r *Redactor) learnMessage(m *session.Message) error {
	if m == nil {
		return nil
	}
	for _, h := range append(slices.Clone(m.Headers), m.Trailers...) {
		r.learnHeader(h.Name, h.Value)
	}
	body, err := m.Body()
	if err != nil && body == nil {
		return err
	}
	r.learnText(body)
	return nil
}

// Learn collects the secrets of every exchange and every raw line of src,
// so that they are masked wherever else they appear.
func (r *Redactor) Learn(src Source) error {
	err := eachReadable(src, nil, true, func(e *session.Exchange) error {
		if err := r.learnMessage(e.Request); err != nil {
			return err
		}
		return r.learnMessage(e.Response)
	})
	if err != nil {
		return err
	}
	cut := newLineCutter(func(_ string, _ session.Side, _ time.Time, line []byte) error {
		line = trimLineEnd(line)
		if name, value, ok := headerLine(line); ok {
			r.learnHeader(name, value)
		}
		r.learnText(line)
		return nil
	})
	if err := src.Chunks(cut.feed); err != nil {
		return err
	}
	return cut.finish()
}

// headerLine splits "Name: value" when Name is a plausible header name.
func headerLine(line []byte) (name, value string, ok bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 || bytes.ContainsAny(line[:i], " \t\"(),/;<=>?@[\\]{}") {
		return "", "", false
	}
	return string(line[:i]), string(line[i+1:]), true
}

// Text masks the learned secrets and the body patterns in s.
func (r *Redactor) Text(s string) string {
	if len(r.secrets) > 0 {
		if r.repl == nil {
			keys := make([]string, 0, len(r.secrets))
			for k := range r.secrets {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a, b)) })
			pairs := make([]string, 0, 2*len(keys))
			for _, k := range keys {
				pairs = append(pairs, k, r.secrets[k])
			}
			r.repl = strings.NewReplacer(pairs...)
		}
		s = r.repl.Replace(s)
	}
	for _, re := range r.bodies {
		s = re.ReplaceAllStringFunc(s, r.Mask)
	}
	return s
}

// framing reports whether a header frames the body (its value is never
// masked).
func framing(name string) bool {
	return strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Transfer-Encoding")
}

// framingLine matches a chunk-size line (hex digits, maybe extensions).
var framingLine = regexp.MustCompile(`^[0-9A-Fa-f]{1,16}[ \t]*(;.*)?$`)

// Line masks one wire line (without its line end): the value of a masked
// header, then the learned secrets and body patterns. Lines that frame the
// bytes after them, Content-Length and Transfer-Encoding headers and
// chunk-size lines, are left alone: a secret such as uid=1000 must not
// change a Content-Length of 1000.
func (r *Redactor) Line(line []byte) []byte {
	if framingLine.Match(line) {
		return line
	}
	name, value, ok := headerLine(line)
	if ok && framing(name) {
		return line
	}
	if ok && r.Redacts(name) {
		r.learnHeader(name, value)
		trimmed := strings.TrimLeft(value, " \t")
		lead := value[:len(value)-len(trimmed)]
		return []byte(name + ":" + lead + r.maskValue(value))
	}
	return []byte(r.Text(string(line)))
}

// maskValue masks a whole header value (an empty value stays empty).
func (r *Redactor) maskValue(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	return r.Mask(v)
}

// Header returns a header field with its value masked or its secrets replaced.
func (r *Redactor) Header(h session.Header) session.Header {
	if framing(h.Name) {
		return h
	}
	if r.Redacts(h.Name) {
		return session.Header{Name: h.Name, Value: r.maskValue(h.Value)}
	}
	return session.Header{Name: h.Name, Value: r.Text(h.Value)}
}
