// Command ptth-inspector relays, dissects and replays Reverse HTTP (PTTH).
package main

import (
	"os"

	"fyne.io/fyne/v2/app"

	"ptth-inspector/proxy/cli"
	"ptth-inspector/ui"
)

func main() {
	opts, code, done := cli.Main(os.Args[1:], os.Stdout, os.Stderr)
	if done {
		os.Exit(code)
	}
	a := app.NewWithID("io.github.ptthinspector")
	w := a.NewWindow("PTTH Inspector")
	if err := ui.Show(a, w, opts); err != nil {
		os.Stderr.WriteString("ptth-inspector: " + err.Error() + "\n")
		os.Exit(1)
	}
	w.ShowAndRun()
}
