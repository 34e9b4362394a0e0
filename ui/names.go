package ui

import (
	"fmt"

	"ptth-inspector/session"
)

// Exchanges and sessions are named in messages, titles and links the way
// the timeline and the session list show them, never by their uuids: a
// person can find "#7 GET /status on 127.0.0.1:49894" in the window.

// sessionName names a session as the session list does: its client and
// when it started ("127.0.0.1:49894 since 04:24:08").
func (in *inspector) sessionName(id string) string {
	s := in.st.Session(id)
	if s == nil || s.Client == "" {
		return "session " + shortID(id)
	}
	return s.Client + " since " + s.Started.Local().Format("15:04:05")
}

// exchangeName names an exchange as its timeline row does, "#7 GET
// /status", and with its client ("… on 127.0.0.1:49894") when withClient.
func (in *inspector) exchangeName(id string, withClient bool) string {
	e := in.st.Exchange(id)
	if e == nil {
		return "exchange " + shortID(id)
	}
	return in.nameOf(e, withClient)
}

// nameOf is exchangeName for an exchange at hand (one paused at a
// breakpoint, say, which the store may not list yet).
func (in *inspector) nameOf(e *session.Exchange, withClient bool) string {
	name := fmt.Sprintf("#%d", e.Seq)
	switch {
	case e.Request != nil:
		name += " " + e.Request.Method + " " + clip(e.Request.Target, 40)
	case e.Response != nil:
		name += " " + e.Response.StartLine()
	}
	if s := in.st.Session(e.Session); withClient && s != nil && s.Client != "" {
		name += " on " + s.Client
	}
	return name
}
