package edit

import (
	"fmt"
	"regexp"
	"strings"
)

// tchar is what RFC 9110 allows in a token, such as a method.
const tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

var protoForm = regexp.MustCompile(`^HTTP/[0-9]\.[0-9]$`)

// Problems lists what in the request line most servers and clients would
// refuse, in words for the editor to show before sending. The editor sends
// such a request all the same: crafting one can be the point.
func (r Request) Problems() []string {
	var out []string
	if r.Method == "" || strings.Trim(r.Method, tchar) != "" {
		out = append(out, fmt.Sprintf("method %q has characters a method may not have", r.Method))
	}
	switch {
	case strings.ContainsAny(r.Target, " \t"):
		out = append(out, fmt.Sprintf("the target %q has a space in it, so the request line no longer reads METHOD TARGET PROTO", r.Target))
	case r.Method == "CONNECT" || r.Target == "*" || strings.HasPrefix(r.Target, "/"):
	case strings.Contains(r.Target, "://"):
	default:
		out = append(out, fmt.Sprintf("the target %q is not a path (/…), * or an absolute URL", r.Target))
	}
	switch {
	case r.Proto == "":
		out = append(out, "no protocol version: the request line reads as HTTP/0.9")
	case !protoForm.MatchString(r.Proto):
		out = append(out, fmt.Sprintf("the protocol %q is not HTTP/x.y", r.Proto))
	}
	return out
}
