package export

import (
	"bytes"
	"cmp"
	"slices"
	"time"

	"ptth-inspector/session"
)

// lineCutter cuts each session's two byte streams into lines. A line ends at
// LF. A side's unfinished line is also ended when the other side completes a
// line that began after it (the first side finished talking without a line
// end, e.g. a JSON body), and at the end of the input.
type lineCutter struct {
	seq   int64
	parts map[partKey]*partial
	order []partKey // first-seen order of the streams, for the final flush
	// emit receives each line with its LF (if it had one); it must not keep line.
	emit func(sid string, side session.Side, t time.Time, line []byte) error
}

type partKey struct {
	sid  string
	side session.Side
}

type partial struct {
	buf   []byte
	start int64     // chunk number where the unfinished line began
	t     time.Time // time of the chunk that brought its last byte
}

func newLineCutter(emit func(string, session.Side, time.Time, []byte) error) *lineCutter {
	return &lineCutter{parts: map[partKey]*partial{}, emit: emit}
}

func (c *lineCutter) get(k partKey) *partial {
	p := c.parts[k]
	if p == nil {
		p = &partial{}
		c.parts[k] = p
		c.order = append(c.order, k)
	}
	return p
}

func (c *lineCutter) feed(sid string, side session.Side, t time.Time, b []byte) error {
	c.seq++
	k := partKey{sid, side}
	p := c.get(k)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			if len(p.buf) == 0 {
				p.start = c.seq
			}
			p.buf = append(p.buf, b...)
			p.t = t
			return nil
		}
		lineStart := c.seq
		if len(p.buf) > 0 {
			lineStart = p.start
		}
		other := c.get(partKey{sid, 1 - side})
		if len(other.buf) > 0 && other.start < lineStart {
			if err := c.flush(partKey{sid, 1 - side}, other); err != nil {
				return err
			}
		}
		p.buf = append(p.buf, b[:i+1]...)
		if err := c.emit(sid, side, t, p.buf); err != nil {
			return err
		}
		p.buf = p.buf[:0]
		b = b[i+1:]
	}
	return nil
}

func (c *lineCutter) flush(k partKey, p *partial) error {
	err := c.emit(k.sid, k.side, p.t, p.buf)
	p.buf = p.buf[:0]
	return err
}

// finish ends every unfinished line, oldest first.
func (c *lineCutter) finish() error {
	var ks []partKey
	for _, k := range c.order {
		if len(c.parts[k].buf) > 0 {
			ks = append(ks, k)
		}
	}
	slices.SortFunc(ks, func(a, b partKey) int { return cmp.Compare(c.parts[a].start, c.parts[b].start) })
	for _, k := range ks {
		if err := c.flush(k, c.parts[k]); err != nil {
			return err
		}
	}
	return nil
}

// trimLineEnd drops a line's LF and a CR right before it.
func trimLineEnd(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line
}
