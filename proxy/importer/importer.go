// Package importer opens anything the inspector writes: a capture file, a
// JSON export, a HAR or a transcript. It detects the format by content,
// reads the whole file before handing anything over, and fails with an error
// naming the line or field instead of importing half a file.
package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"ptth-inspector/proxy/dissect"
	"ptth-inspector/session"
	"ptth-inspector/session/capture"
	"ptth-inspector/session/export"
	"ptth-inspector/session/store"
)

// Format is a kind of importable file.
type Format string

// Importable formats.
const (
	Capture    Format = "capture"    // a .ptthcap capture file
	JSON       Format = "json"       // a JSON export
	HAR        Format = "har"        // a HAR 1.2 file
	Transcript Format = "transcript" // > / < transcript notation
)

// sniffLen is how much of a file Detect reads.
const sniffLen = 64 << 10

// Detect names the format of the file at path from its content.
func Detect(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	return detect(head[:n])
}

func detect(head []byte) (Format, error) {
	if bytes.HasPrefix(head, []byte(capture.Magic)) {
		return Capture, nil
	}
	if len(head) > 0 && len(head) < len(capture.Magic) && bytes.HasPrefix([]byte(capture.Magic), head) {
		return "", fmt.Errorf("a capture cut short: only %d bytes of its %d-byte header", len(head), len(capture.Magic)+1)
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(text) == 0 {
		return "", errors.New("the file is empty")
	}
	switch text[0] {
	case '{':
		return detectJSON(text)
	case '>', '<', '#':
		return Transcript, nil
	}
	return "", fmt.Errorf("not a capture, JSON export, HAR or transcript (it starts with %q)", text[:min(len(text), 16)])
}

// detectJSON tells a HAR ("log") from a JSON export ("version", "sessions") by
// the first top-level key it knows.
func detectJSON(text []byte) (Format, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if _, err := dec.Token(); err != nil {
		return "", fmt.Errorf("not JSON: %v", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok {
		case "log":
			return HAR, nil
		case "version", "sessions", "exchanges", "chunks":
			return JSON, nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
	}
	return "", errors.New("a JSON document that is neither a HAR (no \"log\") nor a PTTH Inspector JSON export (no \"version\")")
}

// Import is a file read completely; its Source holds what it contained.
type Import struct {
	Format   Format
	Source   export.Source // sessions, exchanges and raw bytes
	Warnings []string      // damage a capture scan skipped
	closer   io.Closer
}

// Load reads the file at path in whatever format it is. progress, if not
// nil, is called with bytes read so far and the file size. On error nothing
// is returned, so nothing is half-imported. Close the Import when done.
func Load(path string, progress func(done, total int64)) (*Import, error) {
	format, err := Detect(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	im := &Import{Format: format}
	if format == Capture {
		c, err := export.OpenCapture(path, progress)
		if err != nil {
			return nil, err
		}
		im.Source, im.Warnings, im.closer = c, c.Warnings(), c
		return im, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := &counter{r: bufio.NewReaderSize(f, 1<<16), total: fi.Size(), progress: progress}
	switch format {
	case JSON: // streamed into a packed store: a large export is never held whole
		l := export.NewLoaded()
		err = export.DecodeJSON(r, l)
		im.Source = l
	case HAR:
		im.Source, err = export.ReadHAR(r)
	case Transcript:
		im.Source, err = ReadTranscript(r, fi.ModTime())
	}
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", path, format, err)
	}
	if progress != nil {
		progress(fi.Size(), fi.Size())
	}
	return im, nil
}

// Close releases the capture file behind a capture import. Messages of a
// capture import may read their bytes from that file (bodies over 64 KiB),
// so close it only when the store it filled is no longer used.
func (im *Import) Close() error {
	if im.closer != nil {
		return im.closer.Close()
	}
	return nil
}

// Fill records the import into rec: every session, then every exchange,
// then the raw bytes. Give it a fresh store (with or without a capture
// sink); discard that store if Fill fails.
func (im *Import) Fill(rec dissect.Recorder) error {
	for _, s := range im.Source.Sessions() {
		rec.PutSession(s)
	}
	err := export.EachExchange(im.Source, func(e *session.Exchange) error {
		rec.PutExchange(e)
		return nil
	})
	if err != nil {
		return err
	}
	return im.Source.Chunks(func(id string, side session.Side, t time.Time, b []byte) error {
		rec.Chunk(id, side, t, b)
		return nil
	})
}

// Store returns a new store (without a capture sink) holding the import.
func (im *Import) Store() (*store.Store, error) {
	st := store.New(nil)
	if err := im.Fill(st); err != nil {
		return nil, err
	}
	return st, nil
}

// counter reports read progress.
type counter struct {
	r        io.Reader
	done     int64
	total    int64
	next     int64
	progress func(done, total int64)
}

// Read reads and reports progress about every MiB.
func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.progress != nil && c.done >= c.next {
		c.progress(c.done, c.total)
		c.next = c.done + 1<<20
	}
	return n, err
}
