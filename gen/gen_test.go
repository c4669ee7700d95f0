package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
	"github.com/google/go-cmp/cmp"
)

func TestDeterministic(t *testing.T) {
	for _, o := range []Options{{Guests: 0, Seed: 1}, {Guests: 50, Seed: 1}, {Guests: 50, Seed: -7}} {
		a, b := Generate(o), Generate(o)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%+v: two runs differ (-want +got):\n%s", o, diff)
		}
	}
}

func TestSeedMatters(t *testing.T) {
	a, b := Generate(Options{Guests: 20, Seed: 1}), Generate(Options{Guests: 20, Seed: 2})
	if cmp.Equal(a, b) {
		t.Error("seeds 1 and 2 gave the same tree")
	}
}

// TestWrite checks that the tree on disk is exactly what Generate returns.
func TestWrite(t *testing.T) {
	o := Options{Guests: 30, Seed: 3}
	dir := t.TempDir()
	if err := Write(dir, o); err != nil {
		t.Fatal(err)
	}
	var got []File
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		got = append(got, File{rel, data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Generate(o), got); diff != "" {
		t.Errorf("tree on disk (-want +got):\n%s", diff)
	}
}

// TestShape checks the promises of the package comment on a mid-sized tree.
func TestShape(t *testing.T) {
	files := Generate(Options{Guests: 400, Seed: 1})
	fws, confs, same := 0, 0, map[string]int{}
	for _, f := range files {
		switch filepath.Dir(f.Path) {
		case "firewall":
			if f.Path != "firewall/cluster.fw" {
				fws++
				same[string(f.Data)]++
			}
		case "nodes/pve1/qemu-server", "nodes/pve1/lxc":
			confs++
		}
	}
	if fws != 400 || confs != 400 {
		t.Errorf("got %d guest .fw files and %d configs, want 400 each", fws, confs)
	}
	shared := 0
	for _, n := range same {
		if n > 1 {
			shared += n
		}
	}
	if shared < 100 {
		t.Errorf("only %d of 400 guest files share their content with another guest", shared)
	}
}

func TestRoleGroupsExist(t *testing.T) {
	for _, r := range roles {
		for _, g := range r.groups {
			name, _, _ := bytes.Cut([]byte(g), []byte(" "))
			if groupIndex(string(name)) < 0 {
				t.Errorf("role %s enters unknown group %q", r.name, name)
			}
		}
	}
}

// TestLints checks that generated trees are valid input: no errors, at
// any size and seed.
func TestLints(t *testing.T) {
	for _, o := range []Options{{Guests: 0, Seed: 1}, {Guests: 10, Seed: 1}, {Guests: 400, Seed: 2}, {Guests: 1000, Seed: 3}} {
		if testing.Short() && o.Guests > 10 {
			continue
		}
		dir := t.TempDir()
		if err := Write(dir, o); err != nil {
			t.Fatal(err)
		}
		diags, err := pipeline.LintTree(dir, pipeline.LintOptions{Options: pipeline.Options{Node: Node}})
		if err != nil {
			t.Fatal(err)
		}
		warnings := 0
		for _, d := range diags {
			switch d.Severity {
			case ir.Error:
				t.Errorf("%+v: %v", o, d)
			case ir.Warning:
				warnings++
			}
		}
		t.Logf("%+v: %d diagnostics, %d warnings", o, len(diags), warnings)
	}
}
