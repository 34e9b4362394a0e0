package export

// HAR is a HAR 1.2 document.
type HAR struct {
	Log HARLog `json:"log"`
}

// HARLog is the HAR log; _ptth lists the sessions.
type HARLog struct {
	Version string      `json:"version"`
	Creator HARCreator  `json:"creator"`
	Entries []HAREntry  `json:"entries"`
	Comment string      `json:"comment,omitempty"`
	PTTH    *HARLogPTTH `json:"_ptth,omitempty"`
}

// HARCreator names the program that wrote the HAR.
type HARCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HARLogPTTH is the log's custom field: every session of the export.
type HARLogPTTH struct {
	Version  int           `json:"version"`
	Sessions []JSONSession `json:"sessions"`
}

// HAREntry is one exchange.
type HAREntry struct {
	StartedDateTime string        `json:"startedDateTime"`
	Time            float64       `json:"time"`
	Request         HARRequest    `json:"request"`
	Response        HARResponse   `json:"response"`
	Cache           struct{}      `json:"cache"`
	Timings         HARTimings    `json:"timings"`
	ServerIPAddress string        `json:"serverIPAddress,omitempty"`
	Connection      string        `json:"connection,omitempty"`
	Comment         string        `json:"comment,omitempty"`
	PTTH            *HAREntryPTTH `json:"_ptth,omitempty"`
}

// HAREntryPTTH is an entry's custom field with the PTTH facts.
type HAREntryPTTH struct {
	Session   string   `json:"session"`
	Exchange  string   `json:"exchange"`
	Seq       int      `json:"seq"`
	Direction string   `json:"direction"`
	Transport string   `json:"transport"`
	Target    string   `json:"target"`            // the request target exactly as sent
	Started   *string  `json:"started,omitempty"` // startedDateTime with nanoseconds
	MessageID string   `json:"message_id,omitempty"`
	Carriers  []string `json:"carriers,omitempty"`
	Carries   []string `json:"carries,omitempty"`
	ReplayOf  string   `json:"replay_of,omitempty"`
	Injected  bool     `json:"injected,omitempty"` // sent by the inspector itself
	// Original is the request as its sender sent it, when it was edited at
	// a breakpoint (the entry's request is what went on).
	Original   *JSONMessage `json:"original_request,omitempty"`
	Flip       *string      `json:"flip,omitempty"` // when the session's roles flipped
	Hints      []JSONHint   `json:"hints,omitempty"`
	Error      string       `json:"error,omitempty"`
	NoRequest  bool         `json:"no_request,omitempty"`  // a response to a request never sent
	NoResponse bool         `json:"no_response,omitempty"` // pending or failed: the response is a placeholder
}

// HARRequest is a HAR request.
type HARRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []HARCookie  `json:"cookies"`
	Headers     []HARNV      `json:"headers"`
	QueryString []HARNV      `json:"queryString"`
	PostData    *HARPostData `json:"postData,omitempty"`
	HeadersSize int64        `json:"headersSize"`
	BodySize    int64        `json:"bodySize"`
}

// HARResponse is a HAR response.
type HARResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []HARCookie `json:"cookies"`
	Headers     []HARNV     `json:"headers"`
	Content     HARContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
}

// HARNV is a header or query parameter.
type HARNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HARCookie is a cookie from Cookie or Set-Cookie.
type HARCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

// HARPostData is a request body; a body that is not UTF-8 is base64 with
// _encoding "base64" (HAR 1.2 has no encoding field for postData).
type HARPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"_encoding,omitempty"`
}

// HARContent is a response body; not UTF-8: base64 with encoding "base64".
type HARContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// HARTimings are measured at the relay in milliseconds; -1 where unknown.
type HARTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}
