package edit

import "ptth-inspector/session"

// Template is a named starting point for a new request.
type Template struct {
	Name    string
	Request Request
}

// airplaySession is the X-Apple-Session-ID of the AirPlay sample.
const airplaySession = "1bd6ceeb-fffd-456c-a09c-996053a7a08c"

// airplayEvent is the plist body of an AirPlay event: LF line ends, 316 bytes.
const airplayEvent = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
<key>category</key>
<string>photo</string>
<key>sessionID</key>
<integer>38</integer>
<key>state</key>
<string>stopped</string>
</dict>
</plist>
`

// Templates returns fresh copies of the editor's templates: a status
// probe with the empty Host the PTTH draft allows, an AirPlay event, a
// request to send as a COMET event, and an empty request.
func Templates() []Template {
	h := func(kv ...string) []session.Header {
		hs := make([]session.Header, 0, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			hs = append(hs, session.Header{Name: kv[i], Value: kv[i+1]})
		}
		return hs
	}
	return []Template{
		{Name: "GET /status", Request: Request{
			Method: "GET", Target: "/status", Proto: "HTTP/1.1",
			Headers: h("Host", ""), AutoLength: true}},
		{Name: "AirPlay POST /event", Request: Request{
			Method: "POST", Target: "/event", Proto: "HTTP/1.1",
			Headers: h("Content-Type", "text/x-apple-plist+xml", "Content-Length", "316",
				"X-Apple-Session-ID", airplaySession),
			Body: []byte(airplayEvent), AutoLength: true}},
		{Name: "COMET event GET / PTTH/1.0", Request: Request{
			Method: "GET", Target: "/", Proto: "PTTH/1.0",
			Headers: h("Host", "127.0.0.1:65331", "Accept-Encoding", "identity",
				"Accept", "text/plain;q=1,*/*;q=0"), AutoLength: true}},
		{Name: "Empty request", Request: Request{
			Method: "GET", Target: "/", Proto: "HTTP/1.1", AutoLength: true}},
	}
}
