// Package cli parses ptth-inspector's command line and runs its headless
// subcommands (record, export). The window itself is opened by main.go.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// WindowOptions are the flags of the window form:
// ptth-inspector [--listen ADDR] [--upstream HOST:PORT] [--demo] [--server] [CAPTURE]
type WindowOptions struct {
	Listen   string // relay listen address
	Upstream string // upstream host:port; empty with Demo starts the demo server
	Demo     bool   // start the demo peers behind the relay
	DemoLoad bool   // demo server sends as fast as the client answers (load test)
	Server   bool   // mock PTTH server mode: no upstream
	Capture  string // a capture file to open instead of relaying
	Verbose  bool
}

// DefaultListen is where the relay listens unless told otherwise.
const DefaultListen = "127.0.0.1:8080"

const usage = `PTTH Inspector: an intercepting relay and inspector for Reverse HTTP (PTTH/1.0).

Usage:
  ptth-inspector [--listen ADDR] [--upstream HOST:PORT] [--demo [--demo-load]] [--server] [CAPTURE]
  ptth-inspector record --listen ADDR (--upstream HOST:PORT | --server [--send FILE]... | --demo) --out FILE
  ptth-inspector export --format FORMAT [--redact ...] [--session ID]... [-o OUT] INPUT

FORMAT is transcript, json, har, curl or raw; INPUT a capture, JSON export, HAR or transcript.

Run "ptth-inspector COMMAND --help" for a command's flags.
`

// Main handles the command line. It returns done=true with an exit code when
// a subcommand ran (or the flags were wrong); otherwise the caller opens the
// window with the returned options.
func Main(args []string, stdout, stderr io.Writer) (opts WindowOptions, code int, done bool) {
	if len(args) > 0 {
		switch args[0] {
		case "record":
			return opts, Record(args[1:], stdout, stderr), true
		case "export":
			return opts, Export(args[1:], stdout, stderr), true
		case "help":
			fmt.Fprint(stdout, usage)
			return opts, 0, true
		}
	}
	fs := flag.NewFlagSet("ptth-inspector", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage+"\nWindow flags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&opts.Listen, "listen", DefaultListen, "`ADDR` the relay listens on")
	fs.StringVar(&opts.Upstream, "upstream", "", "`HOST:PORT` to relay clients to (with --demo: the built-in demo server)")
	fs.BoolVar(&opts.Demo, "demo", false, "start built-in demo PTTH and COMET peers so traffic flows at once")
	fs.BoolVar(&opts.DemoLoad, "demo-load", false, "with --demo: send reversed requests as fast as the client answers (thousands a second)")
	fs.BoolVar(&opts.Server, "server", false, "act as a mock PTTH server instead of relaying to an upstream")
	fs.BoolVar(&opts.Verbose, "v", false, "log debug messages")
	if code, ok := parse(fs, args, stderr); !ok {
		return opts, code, true
	}
	if fs.NArg() > 1 {
		return opts, fail(stderr, "at most one CAPTURE file, got %d arguments: %s", fs.NArg(), strings.Join(fs.Args(), " ")), true
	}
	opts.Capture = fs.Arg(0)
	if opts.Capture != "" {
		if _, err := os.Stat(opts.Capture); err != nil {
			return opts, fail(stderr, "cannot open capture: %v", err), true
		}
	}
	if opts.Server && opts.Upstream != "" {
		return opts, fail(stderr, "--server and --upstream exclude each other"), true
	}
	setLogLevel(opts.Verbose)
	return opts, 0, false
}

// parse runs fs.Parse over args, flags before or after the positional
// arguments (fs.Args gives those; after "--" everything is one). ok is
// false when the command should exit with code: 0 after --help (usage
// printed), 2 after a bad flag (one line naming it).
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(stderr)
	args, after := splitAtTerminator(fs, args)
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			usage()
			return 0, false
		}
		if err != nil {
			what, cmd := "ptth-inspector: ", "ptth-inspector"
			if fs.Name() != cmd {
				what += fs.Name() + ": "
				cmd += " " + fs.Name()
			}
			fmt.Fprintf(stderr, "%s%v (see %s --help)\n", what, err, cmd)
			return 2, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	positional = append(positional, after...)
	fs.Parse(append([]string{"--"}, positional...)) // so that fs.Args is them
	return 0, true
}

func fail(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "ptth-inspector: "+format+"\n", a...)
	return 1
}

func setLogLevel(verbose bool) {
	lvl := slog.LevelInfo
	if verbose {
		lvl = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})))
}

// plural writes "1 session" or "3 sessions".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// splitAtTerminator splits args at the first "--" that ends the flags (not
// one that is the value of a flag before it): what follows it is positional.
func splitAtTerminator(fs *flag.FlagSet, args []string) (flags, after []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args[:i], args[i+1:]
		}
		if len(a) < 2 || a[0] != '-' || strings.Contains(a, "=") {
			continue
		}
		if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++ // its value follows
			}
		}
	}
	return args, nil
}
