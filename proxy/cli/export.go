package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"ptth-inspector/proxy/importer"
	"ptth-inspector/session/export"
)

const exportUsage = `Usage: ptth-inspector export --format FORMAT [--redact] [--redact-header NAME]...
       [--redact-body REGEX]... [--session ID]... [--exchange ID]... [--no-chunks] [-o OUT] INPUT

Reads INPUT (a capture file, a JSON export, a HAR or a transcript; the format
is detected from the content) and writes it to OUT, or to standard output.

Formats:
  transcript  one line per wire line, ">" client / "<" upstream, a "#" line per session
  json        one JSON document: sessions, exchanges (lossless) and the raw byte chunks
  har         HAR 1.2 for browser devtools; PTTH facts under "_ptth"
  curl        a sh script with one curl command per forward request, sent to the upstream
  raw         .http text: each request's exact bytes after a "###" line

Flags:
`

// multi is a repeatable string flag; commas also separate values.
type multi []string

// String joins the values with commas.
func (m *multi) String() string { return strings.Join(*m, ",") }

// Set adds one or more comma-separated values.
func (m *multi) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}

// Export runs `ptth-inspector export`: it converts INPUT to the chosen
// format, optionally narrowed to some sessions and redacted.
func Export(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, exportUsage)
		fs.PrintDefaults()
	}
	var format, out string
	var redact, noChunks bool
	var headers, bodies, sessions, exchanges multi
	fs.StringVar(&format, "format", "", "`FORMAT`: transcript, json, har, curl or raw (required)")
	fs.StringVar(&out, "o", "", "write to `OUT` instead of standard output (mode 0600, replaced only when the export succeeds)")
	fs.BoolVar(&redact, "redact", false, "mask secrets: Authorization, Proxy-Authorization, Cookie, Set-Cookie and X-Apple-Session-ID values, wherever they appear")
	fs.Var(&headers, "redact-header", "also mask the values of header `NAME` (repeatable; implies --redact)")
	fs.Var(&bodies, "redact-body", "also mask what this Go `REGEX` matches in bodies (repeatable; implies --redact)")
	fs.Var(&sessions, "session", "export only this session `ID` (repeatable)")
	fs.Var(&exchanges, "exchange", "export only this exchange `ID` (repeatable)")
	fs.BoolVar(&noChunks, "no-chunks", false, "json: leave out the raw byte chunks")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, "export: want exactly one INPUT file, got %d arguments (see --help)", fs.NArg())
	}
	if format == "" {
		return fail(stderr, "export: --format is required (transcript, json, har, curl or raw)")
	}
	f, err := export.ParseFormat(format)
	if err != nil {
		return fail(stderr, "export: --format: %v", err)
	}
	opts := export.Options{Filter: export.Filter{Sessions: sessions, Exchanges: exchanges}, JSON: export.JSONOptions{NoChunks: noChunks}}
	if redact || len(headers) > 0 || len(bodies) > 0 {
		ro := export.RedactOptions{Headers: headers}
		for _, b := range bodies {
			re, err := regexp.Compile(b)
			if err != nil {
				return fail(stderr, "export: --redact-body %q: %v", b, err)
			}
			ro.Bodies = append(ro.Bodies, re)
		}
		opts.Redactor = export.NewRedactor(ro)
	}
	dst, commit, err := openOutput(out, stdout)
	if err != nil {
		return fail(stderr, "export: cannot write %s: %v", out, err)
	}
	im, err := importer.Load(fs.Arg(0), nil)
	if err != nil {
		commit(false)
		return fail(stderr, "export: %v", oneLine(err))
	}
	defer im.Close()
	for _, w := range im.Warnings {
		fmt.Fprintf(stderr, "ptth-inspector: export: warning: %s\n", oneLine(fmt.Errorf("%s", w)))
	}
	opts.Warn = func(msg string) {
		fmt.Fprintf(stderr, "ptth-inspector: export: warning: %s\n", oneLine(errors.New(msg)))
	}
	bw := bufio.NewWriterSize(dst, 1<<16)
	err = export.Write(bw, f, im.Source, opts)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := commit(err == nil); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fail(stderr, "export: %v", oneLine(err))
	}
	return 0
}

// openOutput returns where to write: stdout, or a temp file beside path that
// commit(true) renames onto path and commit(false) removes.
func openOutput(path string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if path == "" || path == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, nil, fmt.Errorf("%s is a directory", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, nil, err
	}
	commit := func(ok bool) error {
		err := tmp.Close()
		if ok && err == nil {
			if err = os.Rename(tmp.Name(), path); err == nil {
				return nil
			}
		}
		os.Remove(tmp.Name())
		return err
	}
	return tmp, commit, nil
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
