package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/internal/nftcheck"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the out/ sections of the golden files")

// goldenOutputs is the closed set of output sections a case may have.
var goldenOutputs = []string{"out/explain", "out/ir", "out/iptables", "out/lint", "out/nft", "out/stderr"}

// TestGolden runs every testdata/golden case: the input files are written
// to a temporary tree, `fwc lint` and `fwc compile` run on it in-process,
// and their outputs are compared with the out/ sections. Cases under
// golden/ir also dump the IR. An empty output means the section is absent.
// Every out/nft is loaded with `nft -c` in a fresh network namespace.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../../testdata/golden/*/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "../../testdata/golden/"), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var inputs []txtar.File
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "out/") {
			if !contains(goldenOutputs, f.Name) {
				t.Fatalf("unexpected txtar entry %q (outputs are %v)", f.Name, goldenOutputs)
			}
			continue
		}
		inputs = append(inputs, f)
		path := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flags := caseFlags(ar.Comment, "flags:")
	got := map[string]string{}
	var stdout, stderr bytes.Buffer
	Main(append(append(append([]string{"lint"}, flags...), caseFlags(ar.Comment, "lint:")...), dir), &stdout, &stderr)
	got["out/lint"] = clean(stdout.String(), dir)
	stdout.Reset()
	stderr.Reset()
	status := Main(append(append([]string{"compile"}, flags...), dir), &stdout, &stderr)
	got["out/nft"] = stdout.String()
	if got["out/nft"] != "" {
		got["out/iptables"] = iptablesBundle(t, dir, flags)
	}
	if status != exitOK {
		got["out/stderr"] = clean(stderr.String(), dir)
	}
	got["out/explain"] = explainGolden(ar.Comment, dir)
	if strings.HasPrefix(filepath.Base(filepath.Dir(file)), "ir") {
		// The IR as lowering leaves it: the optimiser has its own tests.
		rs, _, err := pipeline.Load(dir, pipeline.Options{NoOptimize: true})
		if err != nil {
			t.Fatal(err)
		}
		got["out/ir"] = clean(ir.Dump(rs), dir)
	}
	if got["out/nft"] != "" {
		t.Run("nft-check", func(t *testing.T) {
			nftcheck.Need(t)
			nftcheck.Check(t, "out/nft", []byte(got["out/nft"]))
		})
	}
	if *update {
		writeGolden(t, file, ar.Comment, inputs, got)
		return
	}
	for _, name := range goldenOutputs {
		want := ""
		for _, f := range ar.Files {
			if f.Name == name {
				want = string(f.Data)
			}
		}
		if diff := cmp.Diff(want, got[name]); diff != "" {
			t.Errorf("%s differed (-want +got):\n%s", name, diff)
		}
	}
}

// iptablesBundle compiles the case for iptables and joins the bundle's
// files, each under a "## <name>" line (the real tools load the same
// bundles in emit/iptables' TestTrees).
func iptablesBundle(t *testing.T, dir string, flags []string) string {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if status := Main(append(append([]string{"compile", "--target", "iptables", "-o", out}, flags...), dir), &stdout, &stderr); status != 0 {
		t.Fatalf("compile --target iptables: status %d\n%s", status, stderr.String())
	}
	var b strings.Builder
	for _, name := range []string{"ipsets", "rules.v4", "rules.v6", "ebtables", "apply.sh"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "## %s\n%s", name, data)
	}
	return b.String()
}

// caseFlags reads an optional "flags: ..." line (flags of every command)
// or "lint: ..." line (lint's own) from the archive comment.
func caseFlags(comment []byte, prefix string) []string {
	for _, line := range strings.Split(string(comment), "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

// explainGolden runs `fwc explain ARGS TREE` for every "explain: ARGS"
// line of the archive comment.
func explainGolden(comment []byte, dir string) string {
	var b strings.Builder
	for _, line := range strings.Split(string(comment), "\n") {
		if rest, ok := strings.CutPrefix(line, "explain:"); ok {
			var out bytes.Buffer
			Main(append(append([]string{"explain"}, strings.Fields(rest)...), dir), &out, &out)
			fmt.Fprintf(&b, "$ fwc explain %s\n%s", strings.TrimSpace(rest), clean(out.String(), dir))
		}
	}
	return b.String()
}

// clean makes paths relative to the case's tree, and the tree itself ".".
func clean(s, dir string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, dir+string(filepath.Separator), ""), dir, ".")
}

func writeGolden(t *testing.T, file string, comment []byte, inputs []txtar.File, got map[string]string) {
	ar := &txtar.Archive{Comment: comment, Files: inputs}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != "" {
			ar.Files = append(ar.Files, txtar.File{Name: n, Data: []byte(got[n])})
		}
	}
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestChecksCovered keeps the check registry and the goldens honest: every
// code fwc reports in a golden is registered (so `fwc lint --list` shows
// it), and every registered code is shown by at least one golden.
func TestChecksCovered(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/golden/*/*.txtar")
	// file-kind: single files only, TestLintSingleFile; io: TestLintJSONFailures.
	seen := map[string]bool{"file-kind": true, "io": true}
	code := regexp.MustCompile(`\[([a-z-]+)\]$`)
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name != "out/lint" && f.Name != "out/stderr" {
				continue
			}
			for _, line := range strings.Split(string(f.Data), "\n") {
				if m := code.FindStringSubmatch(line); m != nil {
					seen[m[1]] = true
				}
			}
		}
	}
	registered := map[string]bool{}
	for _, c := range ir.Checks {
		registered[string(c.Code)] = true
		if !seen[string(c.Code)] {
			t.Errorf("no golden shows check %q", c.Code)
		}
	}
	for c := range seen {
		if !registered[c] {
			t.Errorf("code %q is reported but not registered in ir.Checks", c)
		}
	}
}
