package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ptth-inspector/session/capture/synth"
)

func seed(t *testing.T, name string) string {
	t.Helper()
	for _, d := range []string{"../../../shared/ptth", "../testdata"} {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	t.Fatalf("seed %s not found", name)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Export(args, &o, &e)
	return code, o.String(), e.String()
}

func dropComments(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" && l != "\n" && l[0] != '#' {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func TestExportTranscriptToStdout(t *testing.T) {
	in := seed(t, "seed-comet.transcript")
	want, _ := os.ReadFile(in)
	code, out, errs := run("--format", "transcript", in)
	if code != 0 || errs != "" || dropComments(out) != string(want) {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}

func TestExportToFileAndFilter(t *testing.T) {
	in := seed(t, "airplay-reverse.transcript")
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "a.json")
	if code, _, errs := run("--format=json", "-o", jsonPath, in); code != 0 {
		t.Fatalf("json export failed: %s", errs)
	}
	// The JSON export is itself an input; --redact masks the AirPlay session id.
	code, out, errs := run("--format", "har", "--redact", "--redact-header", "User-Agent", jsonPath)
	if code != 0 || strings.Contains(out, "1bd6ceeb-fffd-456c-a09c-996053a7a08c") || strings.Contains(out, "MediaControl/1.0") || !strings.Contains(out, "REDACTED-") {
		t.Fatalf("exit %d %s; redacted HAR:\n%s", code, errs, out)
	}
	code, _, errs = run("--format", "raw", "--session", "no-such-session", jsonPath)
	if code != 1 || !strings.Contains(errs, `no session "no-such-session"`) {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestExportErrors(t *testing.T) {
	in := seed(t, "seed-upgrade.transcript")
	bad := filepath.Join(t.TempDir(), "bad.transcript")
	os.WriteFile(bad, []byte(">GET / HTTP/1.1\noops\n"), 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--bogus", in}, 2, "flag provided but not defined"},
		{[]string{"--format", "xml", in}, 1, `unknown format "xml"`},
		{[]string{in}, 1, "--format is required"},
		{[]string{"--format", "json"}, 1, "exactly one INPUT"},
		{[]string{"--format", "json", filepath.Join(t.TempDir(), "none")}, 1, "no such file"},
		{[]string{"--format", "json", "-o", filepath.Join(t.TempDir(), "no", "dir", "x.json"), in}, 1, "cannot write"},
		{[]string{"--format", "json", "--redact-body", "(", in}, 1, "--redact-body"},
		{[]string{"--format", "json", bad}, 1, "line 2:"},
	} {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
		if c.code == 1 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: error is not one line: %q", c.args, errs)
		}
	}
	code, _, errs := run("--help")
	if code != 0 || !strings.Contains(errs, "Usage: ptth-inspector export") || !strings.Contains(errs, "-redact-header") {
		t.Fatalf("--help: exit %d, %q", code, errs)
	}
}

func TestExportOfADamagedCaptureWarnsAndWritesTheRest(t *testing.T) {
	in := filepath.Join(t.TempDir(), "damaged.ptthcap")
	if err := synth.SpooledBody(in, true); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("--format", "json", "--no-chunks", in)
	if code != 0 || strings.Count(errs, "warning:") != 1 || !strings.Contains(errs, "exchange x1: response bytes unreadable") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, `"id":"x2"`) || !strings.Contains(out, "unreadable") {
		t.Fatalf("export:\n%s", out)
	}
}

// A torn tail is damage the open already reports: formats that write the
// raw bytes (and so read the file again) say it once, not twice.
func TestExportOfATornCaptureWarnsOnce(t *testing.T) {
	in := filepath.Join(t.TempDir(), "torn.ptthcap")
	if err := synth.SpooledBody(in, false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(in, fi.Size()-3); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "transcript", "har"} {
		code, _, errs := run("--format", format, in)
		if code != 0 || strings.Count(errs, "warning:") != 1 || !strings.Contains(errs, "torn") {
			t.Errorf("%s: exit %d, stderr %q", format, code, errs)
		}
	}
}

func TestExportTakesFlagsAfterTheInputAndOneLineForABadOne(t *testing.T) {
	in := seed(t, "seed-comet.transcript")
	want, _ := os.ReadFile(in)
	if code, out, errs := run(in, "--format", "transcript"); code != 0 || dropComments(out) != string(want) {
		t.Fatalf("flags after INPUT: exit %d, stderr %q", code, errs)
	}
	code, out, errs := run("--format", "json", "--bogus", in)
	if code == 0 || out != "" || strings.Count(strings.TrimSpace(errs), "\n") > 0 || !strings.Contains(errs, "-bogus") {
		t.Fatalf("a bad flag: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := run("--format", "json", "--", "--not-a-flag"); code == 0 || !strings.Contains(errs, "--not-a-flag") {
		t.Fatalf("after --, an argument is the input: exit %d, stderr %q", code, errs)
	}
	// "--" as a flag's value is that value, not the end of the flags.
	in, _ = filepath.Abs(in)
	t.Chdir(t.TempDir())
	if code, _, errs := run("-o", "--", in, "--format", "json"); code != 0 || !fileExists("--") {
		t.Fatalf("-o -- then flags: exit %d, stderr %q", code, errs)
	}
}
