// Command ptth-inspector relays, dissects and replays Reverse HTTP (PTTH).
package main

import (
	"os"
	"runtime/debug"

	"fyne.io/fyne/v2/app"

	"ptth-inspector/proxy/cli"
	"ptth-inspector/ui"
	_ "ptth-inspector/ui/clocale" // before Fyne reads the locale
	"ptth-inspector/ui/load"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(load.MemoryLimit) // why: see load.MemoryLimit
	}
	opts, code, done := cli.Main(os.Args[1:], os.Stdout, os.Stderr)
	if done {
		os.Exit(code)
	}
	if err := ui.CheckDisplay(); err != nil {
		os.Stderr.WriteString("ptth-inspector: " + err.Error() + "\n")
		os.Exit(1)
	}
	a := app.NewWithID("io.github.ptthinspector")
	w, err := ui.NewWindow(a)
	if err == nil {
		err = ui.Show(a, w, opts)
	}
	if err != nil {
		os.Stderr.WriteString("ptth-inspector: " + err.Error() + "\n")
		os.Exit(1)
	}
	w.ShowAndRun()
}
