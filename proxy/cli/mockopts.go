package cli

import (
	"fmt"
	"os"

	"ptth-inspector/proxy/mock"
	"ptth-inspector/session/edit"
)

// mockOptions builds the mock server's options from record's flags.
func mockOptions(mode, unsolicited string, sends []string) (mock.Options, error) {
	var o mock.Options
	m, err := mock.ParseMode(mode)
	if err != nil {
		return o, err
	}
	o.Mode = m
	for _, path := range sends {
		f, err := os.Open(path)
		if err != nil {
			return o, fmt.Errorf("--send: %w", err)
		}
		reqs, err := edit.ParseMany(f)
		f.Close()
		if err != nil {
			return o, fmt.Errorf("--send %s: %w", path, err)
		}
		if len(reqs) == 0 {
			return o, fmt.Errorf("--send %s: no request in the file", path)
		}
		for _, r := range reqs {
			o.Send = append(o.Send, r.Bytes())
		}
	}
	if unsolicited != "" {
		b, err := os.ReadFile(unsolicited)
		if err != nil {
			return o, fmt.Errorf("--unsolicited: %w", err)
		}
		o.Unsolicited = b
	}
	return o, nil
}
