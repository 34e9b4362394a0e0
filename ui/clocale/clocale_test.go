package clocale

import (
	"maps"
	"testing"
)

func TestQuiet(t *testing.T) {
	for _, tc := range []struct {
		env, want map[string]string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, map[string]string{"LANG": "C.UTF-8", "LC_MESSAGES": "C"}},
		{map[string]string{"LANG": "POSIX.utf8"}, map[string]string{"LANG": "POSIX.utf8", "LC_MESSAGES": "C"}},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8", "LANGUAGE": "en"}},
		{map[string]string{"LC_MESSAGES": "C.UTF-8", "LANGUAGE": "fr"}, map[string]string{"LC_MESSAGES": "C.UTF-8", "LANGUAGE": "fr"}},
		// Locales Fyne reads well are left alone.
		{map[string]string{"LANG": "C"}, map[string]string{"LANG": "C"}},
		{map[string]string{"LANG": "en_GB.UTF-8"}, map[string]string{"LANG": "en_GB.UTF-8"}},
		{map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}},
		{map[string]string{}, map[string]string{}},
	} {
		env := maps.Clone(tc.env)
		quiet(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if !maps.Equal(env, tc.want) {
			t.Errorf("%v became %v, want %v", tc.env, env, tc.want)
		}
	}
}
