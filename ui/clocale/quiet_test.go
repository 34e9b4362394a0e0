package clocale_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	_ "fyne.io/fyne/v2/lang" // reads the locale as it initialises

	_ "ptth-inspector/ui/clocale"
)

// TestFyneIsQuietUnderCUTF8 runs this test binary again under
// LANG=C.UTF-8: Fyne's locale package initialises in it, after clocale or
// before it, and logs an error if before.
func TestFyneIsQuietUnderCUTF8(t *testing.T) {
	if os.Getenv("CLOCALE_CHILD") != "" {
		return // the child: initialising was the test
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFyneIsQuietUnderCUTF8$")
	env := []string{"CLOCALE_CHILD=1", "LANG=C.UTF-8"}
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE":
		default:
			env = append(env, kv)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "locale") {
		t.Fatalf("Fyne still complains about the locale:\n%s", out)
	}
}
