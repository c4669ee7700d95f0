package iptables_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/emit/iptables"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/fwc-project/fwc/tree"
	"golang.org/x/tools/txtar"
)

// TestTrees compiles real trees through the whole front end, the bundled
// example (each node) and the input of every golden case and lab scenario,
// and loads each bundle with apply.sh in a fresh namespace (TestRealTools
// shows that a second run changes nothing).
func TestTrees(t *testing.T) {
	iptables.NeedSystem(t)
	type tc struct{ name, root, node string }
	cases := []tc{{"example/pve1", "../../example", "pve1"}, {"example/pve2", "../../example", "pve2"}}
	archives, _ := filepath.Glob("../../testdata/golden/*/*.txtar")
	labs, _ := filepath.Glob("../../testdata/lab/*.txtar")
	for _, file := range append(archives, labs...) {
		root, node := unpack(t, file)
		if root != "" {
			name := strings.TrimSuffix(strings.TrimPrefix(file, "../../testdata/"), ".txtar")
			cases = append(cases, tc{name, root, node})
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rs, diags, err := pipeline.Load(c.root, pipeline.Options{Node: c.node})
			if errors.Is(err, tree.ErrNotTree) || errors.Is(err, tree.ErrNode) {
				t.Skip("not a tree fwc compiles (a hand-written scenario, or a golden of the refusal)")
			}
			if err != nil {
				t.Fatal(err)
			}
			if diags.HasErrors() {
				t.Skip("the tree has errors, so nothing is emitted")
			}
			b, err := iptables.Emit(rs, iptables.Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "bundle")
			if err := b.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			out, err := iptables.InNetns(t, `sh "$1/apply.sh"`, dir)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}

// unpack writes the tree files of a txtar archive (the sections outside
// out/ and expect) into a directory; "" when the archive has none. It also
// returns the node a "node:" header line names.
func unpack(t *testing.T, file string) (root, node string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(line, "node:"); ok {
			node = strings.TrimSpace(v)
		}
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "firewall/") && !strings.HasPrefix(f.Name, "nodes/") && !strings.HasPrefix(f.Name, "sdn/") {
			continue
		}
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		root = dir
	}
	return root, node
}
