package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds the bodies the demo peers read into memory.
const maxBody = 8 << 20

// errBodyTooLarge is returned by readBody for bodies over maxBody.
var errBodyTooLarge = errors.New("demo: body too large")

// RequestBytes formats an HTTP/1.1 request with header lines in the given
// order; it adds Content-Length when body is non-empty or the method is
// POST or PUT, unless header already has Content-Length or Transfer-Encoding.
func RequestBytes(method, uri string, header [][2]string, body []byte) []byte {
	var b strings.Builder
	b.WriteString(method + " " + uri + " HTTP/1.1\r\n")
	framed := false
	for _, h := range header {
		if strings.EqualFold(h[0], "Content-Length") || strings.EqualFold(h[0], "Transfer-Encoding") {
			framed = true
		}
		writeHeader(&b, h)
	}
	if !framed && (len(body) > 0 || method == http.MethodPost || method == http.MethodPut) {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return []byte(b.String())
}

// formatResponse formats an HTTP/1.1 response with Content-Length (none for
// 1xx, 204 and 304); omitBody leaves the body out, as for HEAD.
func formatResponse(status int, header [][2]string, body []byte, omitBody bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for _, h := range header {
		writeHeader(&b, h)
	}
	noBody := status < 200 || status == http.StatusNoContent || status == http.StatusNotModified
	if !noBody {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("\r\n")
	if !noBody && !omitBody {
		b.Write(body)
	}
	return []byte(b.String())
}

// writeHeader writes one "Name: value" line; an empty value gives "Name:".
func writeHeader(b *strings.Builder, h [2]string) {
	b.WriteString(h[0] + ":")
	if h[1] != "" {
		b.WriteString(" " + h[1])
	}
	b.WriteString("\r\n")
}

// outReq is one reversed request before it is put on the wire or in JSON.
type outReq struct {
	kind, method, uri string
	header            [][2]string
	body              []byte
	chunks            []string    // sent with chunked encoding when non-nil
	trailer           [][2]string // trailer fields after the last chunk
}

// bytes formats r for a flipped socket.
func (r outReq) bytes() []byte {
	if r.chunks == nil {
		return RequestBytes(r.method, r.uri, r.header, r.body)
	}
	var b strings.Builder
	b.Write(RequestBytes(r.method, r.uri, r.header, nil))
	for _, c := range r.chunks {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(c), c)
	}
	b.WriteString("0\r\n")
	for _, h := range r.trailer {
		writeHeader(&b, h)
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// readBody reads a whole body of at most maxBody bytes.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return b, err
	}
	if len(b) > maxBody {
		return b[:maxBody], errBodyTooLarge
	}
	return b, nil
}

// offersPTTH reports whether req is an HTTP/1.1+ request offering PTTH/1.0 or PTTH/0.9.
func offersPTTH(req *http.Request) bool {
	if !req.ProtoAtLeast(1, 1) {
		return false
	}
	return hasToken(req.Header, "Upgrade", "PTTH/1.0") || hasToken(req.Header, "Upgrade", "PTTH/0.9")
}

// hasToken reports whether a comma-separated header list holds token, ignoring case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// sleepCtx waits d; it reports false if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newUUID returns a random version-4 UUID string.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
