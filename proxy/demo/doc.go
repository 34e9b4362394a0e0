// Package demo provides built-in demo peers that generate live, realistic
// Reverse HTTP (PTTH) and COMET traffic on loopback.
//
// A Server is a PTTH upstream: it accepts the upgrade with 101 Switching
// Protocols and then, acting as HTTP client on the same socket, sends a
// steady stream of reversed requests of varied kinds (status GETs, JSON and
// Apple plist event POSTs, a chunked POST with a trailer, a pipelined pair,
// a 404, a HEAD). It also answers POSTs without an upgrade as COMET polls,
// carrying each reversed request as a JSON event and pairing the client's
// JSON reply with it by message-id.
//
// RunClient and RunCometClient are the matching clients: the first upgrades
// and answers reversed requests on the flipped socket, the second polls and
// answers JSON events. Both reconnect until their context is done. Run starts
// one of each against a relay address, so the relay sits between the clients
// and a Server created separately.
//
// The peers are stdlib-only, listen on loopback only and log through
// log/slog at Debug level only, so they are quiet by default.
package demo
