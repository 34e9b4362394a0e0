package ui

import (
	"ptth-inspector/proxy"
	"ptth-inspector/proxy/engine"
	"ptth-inspector/session/store"
)

// backend is the live capture the window drives: the engine in the app, a
// bare relay in tests.
type backend interface {
	Store() *store.Store
	Relay() *proxy.Relay // nil while stopped
	StartRelay() error
	StopRelay() error
	SaveAs(path string) error
	Flush() error
	CapturePath() string
	Addresses() (listen, upstream string)
	Close() error
}

// engineBackend adapts *engine.Engine to backend.
type engineBackend struct{ *engine.Engine }

// Store returns the engine's store.
func (e engineBackend) Store() *store.Store { return e.Engine.Store }

// Addresses returns where the relay listens and what it relays to.
func (e engineBackend) Addresses() (listen, upstream string) {
	o := e.Options()
	return o.Listen, o.Upstream
}
