package export

import (
	"fmt"
	"io"
	"strings"
)

// Format is an export format.
type Format string

// Export formats.
const (
	Transcript Format = "transcript" // the README's > / < notation
	JSON       Format = "json"       // one lossless JSON document
	HARFormat  Format = "har"        // HAR 1.2 with _ptth custom fields
	Curl       Format = "curl"       // a sh script of curl commands
	Raw        Format = "raw"        // .http text of the exact request bytes
)

// Formats lists every export format.
var Formats = []Format{Transcript, JSON, HARFormat, Curl, Raw}

// ParseFormat returns the format with the given name.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(name) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (want %s)", name, strings.Join(names, ", "))
}

// Options say what to export and how.
type Options struct {
	Filter   Filter
	Redactor *Redactor // nil: no redaction
	JSON     JSONOptions
	// Warn, if not nil, hears of each message whose bytes could not be
	// read; it is exported without them (marked truncated, with an error).
	Warn func(msg string)
}

// Write exports src in format f to w: filtered, then redacted, then written.
func Write(w io.Writer, f Format, src Source, o Options) error {
	err := write(w, f, src, o)
	writesChunks := f == Transcript || (f == JSON && !o.JSON.NoChunks)
	if cw, ok := src.(interface{ ChunkWarnings() []string }); ok && err == nil && o.Warn != nil && writesChunks {
		said := map[string]bool{} // damage the open reported already (a torn tail, say)
		if ws, ok := src.(interface{ Warnings() []string }); ok {
			for _, msg := range ws.Warnings() {
				said[msg] = true
			}
		}
		for _, msg := range cw.ChunkWarnings() { // damaged raw bytes the export skipped
			if !said[msg] {
				o.Warn("raw bytes: " + msg)
			}
		}
	}
	return err
}

func write(w io.Writer, f Format, src Source, o Options) error {
	src, err := o.Filter.Apply(src)
	if err != nil {
		return err
	}
	if o.Redactor != nil {
		warn := o.Warn
		if f == Transcript {
			warn = nil // it writes no message bytes, only the raw ones
		}
		if src, err = o.Redactor.source(src, warn, f != Curl && f != Raw); err != nil {
			return err
		}
	}
	switch f {
	case Transcript:
		return WriteTranscript(w, src, nil)
	case JSON:
		return writeJSON(w, src, o.JSON, o.Warn)
	case HARFormat:
		return writeHAR(w, src, o.Warn)
	case Curl:
		return writeCurl(w, src, o.Warn)
	case Raw:
		return writeRaw(w, src, o.Warn)
	}
	return fmt.Errorf("unknown format %q", f)
}
