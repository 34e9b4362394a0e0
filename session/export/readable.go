package export

import (
	"fmt"

	"ptth-inspector/session"
)

// readable returns e ready to be written: the bytes of each message that
// lie in a file are read into memory now, once. A message whose bytes
// cannot be read (a damaged or vanished capture file) is written without
// them and marked truncated, the exchange's error says why, and warn (if
// not nil) hears of it: one damaged body does not cost the rest of the
// export.
func readable(e *session.Exchange, warn func(string), responses bool) *session.Exchange {
	out := e
	for i, m := range [2]*session.Message{e.Request, e.Response} {
		if m == nil || m.Raw != nil || m.Ref == nil || (i == 1 && !responses) {
			continue
		}
		if out == e {
			cp := *e
			out = &cp
		}
		loaded := *m
		loaded.Ref = nil
		raw, err := m.Wire()
		if err != nil {
			loaded.Truncated = true
			msg := fmt.Sprintf("%s bytes unreadable: %v", [2]string{"request", "response"}[i], err)
			if out.Error != "" {
				msg = out.Error + "; " + msg
			}
			out.Error = msg
			if warn != nil {
				warn(fmt.Sprintf("exchange %s: %s; written without them", e.ID, msg))
			}
		} else {
			loaded.Raw = raw
		}
		if i == 0 {
			out.Request = &loaded
		} else {
			out.Response = &loaded
		}
	}
	return out
}

// eachReadable is EachExchange handing fn each exchange made readable
// (its requests only, unless responses).
func eachReadable(src Source, warn func(string), responses bool, fn func(e *session.Exchange) error) error {
	return EachExchange(src, func(e *session.Exchange) error { return fn(readable(e, warn, responses)) })
}
