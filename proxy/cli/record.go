package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"ptth-inspector/proxy/engine"
)

// Record runs `ptth-inspector record`: a headless capture until SIGINT or
// SIGTERM, then flush and exit 0.
func Record(args []string, stdout, stderr io.Writer) int {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	stop := make(chan struct{})
	go func() { <-sig; close(stop) }()
	return record(args, stderr, stop, nil)
}

// record is Record with the stop signal and a start notice made explicit,
// for tests.
func record(args []string, stderr io.Writer, stop <-chan struct{}, started func(listen string)) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: ptth-inspector record --listen ADDR --upstream HOST:PORT --out FILE\n"+
			"       ptth-inspector record --server --listen ADDR [--send FILE]... [--upgrade MODE] --out FILE\n"+
			"       ptth-inspector record --demo [--demo-load] [--listen ADDR] --out FILE\n\n"+
			"Relays clients to the upstream (or, with --server, serves them as a mock PTTH server;\n"+
			"with --demo, relays the built-in demo peers to the built-in demo upstream) and\n"+
			"records every session to FILE until SIGINT or SIGTERM. With --send, every client that flips\n"+
			"(or polls, for COMET) is sent the requests in the files, in order (raw HTTP, LF or CRLF,\n"+
			"several per file separated by ### lines).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	var o engine.Options
	var verbose bool
	fs.StringVar(&o.Listen, "listen", DefaultListen, "`ADDR` the relay listens on")
	fs.StringVar(&o.Upstream, "upstream", "", "`HOST:PORT` to relay clients to")
	fs.StringVar(&o.Out, "out", "", "capture `FILE` to write (created with mode 0600)")
	fs.BoolVar(&o.Demo, "demo", false, "start the built-in demo peers (no --upstream needed)")
	fs.BoolVar(&o.DemoLoad, "demo-load", false, "with --demo: send as fast as the client answers")
	fs.BoolVar(&verbose, "v", false, "log debug messages")
	var sends multi
	var mode, unsolicited string
	fs.BoolVar(&o.Server, "server", false, "act as a mock PTTH server: no upstream")
	fs.Var(&sends, "send", "with --server: a `FILE` of requests to send to every client (repeatable)")
	fs.StringVar(&mode, "upgrade", "accept", "with --server: answer upgrade offers in `MODE`: accept (101), refuse (403) or comet")
	fs.StringVar(&unsolicited, "unsolicited", "", "with --server: a `FILE` holding the raw response to any other request (default: 501)")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	if o.Server {
		mo, err := mockOptions(mode, unsolicited, sends)
		if err != nil {
			return fail(stderr, "record: %v", err)
		}
		o.Mock = mo
	} else if len(sends) > 0 || unsolicited != "" || flagGiven(fs, "upgrade") {
		return fail(stderr, "record: --send, --upgrade and --unsolicited need --server")
	}
	if fs.NArg() > 0 {
		return fail(stderr, "record: unexpected argument %q", fs.Arg(0))
	}
	if o.Out == "" {
		return fail(stderr, "record: --out FILE is required")
	}
	if o.Upstream == "" && !o.Demo && !o.Server {
		return fail(stderr, "record: --upstream HOST:PORT (or --server) is required")
	}
	if o.Upstream != "" && o.Server {
		return fail(stderr, "record: --server and --upstream exclude each other")
	}
	setLogLevel(verbose)
	if o.Upstream != "" {
		if err := checkReachable(o.Upstream); err != nil {
			return fail(stderr, "record: upstream %s unreachable: %v", o.Upstream, err)
		}
	}
	e, err := engine.Start(o)
	if err != nil {
		return fail(stderr, "record: %v", err)
	}
	fmt.Fprintf(stderr, "recording %s -> %s into %s (Ctrl+C to stop)\n", e.Options().Listen, e.Options().Upstream, e.CapturePath())
	if started != nil {
		started(e.Options().Listen)
	}
	watchCapture(e, stderr, stop)
	if err := e.Close(); err != nil {
		return fail(stderr, "record: closing capture: %v", err)
	}
	st := e.Store.Stats()
	fmt.Fprintf(stderr, "recorded %s, %s, %s\n", plural(st.Sessions, "session"), plural(st.Exchanges, "exchange"), plural(int(st.Bytes), "byte"))
	return 0
}

// watchCapture waits for stop, and says once, as soon as it happens, that
// the capture file can no longer be written (a full disk): the relay goes
// on forwarding, but nothing more reaches the file.
func watchCapture(e *engine.Engine, stderr io.Writer, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	told := false
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if err := e.Store.Err(); err != nil && !told {
				told = true
				fmt.Fprintf(stderr, "ptth-inspector: record: %v; the relay goes on forwarding, but nothing more is recorded\n", err)
			}
		}
	}
}
