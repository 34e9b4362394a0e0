// Package clocale keeps Fyne from logging "Error parsing user locale C"
// at start-up under the C locale (LANG=C.UTF-8, the default of Debian
// containers and CI). Fyne reads the locale while its packages initialise,
// so this package must be initialised before fyne.io/fyne/v2/lang: it is
// imported (blank) by main.go, and imports only os and strings. Go
// initialises, at each step, the first package in import-path order whose
// imports are all initialised; lang waits for text/template, which sorts
// after "ptth-inspector/", so this package goes first. The order hangs on
// Fyne's imports: TestFyneIsQuietUnderCUTF8 checks it.
package clocale

import (
	"os"
	"strings"
)

func init() { quiet(os.Getenv, os.Setenv) }

// quiet makes the C locale read as no locale: where the variable that names
// the message language (LC_ALL, LC_MESSAGES, then LANG) is "C.<codeset>" or
// "POSIX.<codeset>", which Fyne cannot parse, it sets LC_MESSAGES=C (for
// LANG) or LANGUAGE=en (for LC_ALL or LC_MESSAGES). Messages stay in
// English, as under C; the character set (LC_CTYPE) is untouched.
func quiet(get func(string) string, set func(string, string) error) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := get(name)
		if v == "" {
			continue
		}
		base, _, found := strings.Cut(v, ".")
		if !found || (base != "C" && base != "POSIX") {
			return
		}
		if name == "LANG" {
			set("LC_MESSAGES", "C")
		} else if get("LANGUAGE") == "" {
			set("LANGUAGE", "en")
		}
		return
	}
}
