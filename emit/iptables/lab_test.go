//go:build lab

package iptables_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fwc-project/fwc/emit/iptables"
	"github.com/fwc-project/fwc/lab"
	"github.com/fwc-project/fwc/pipeline"
	"golang.org/x/tools/txtar"
)

// TestLab runs every lab scenario that fwc compiles (those without a
// hand-written ruleset.nft) with this backend: the bundle travels as a
// txtar archive, and the loader unpacks it and runs apply.sh in the lab's
// host namespace. Opt-in with the build tag "lab" (go test -tags lab -run
// TestLab ./emit/iptables), so that work in progress on the lab cannot
// break this package's build; the lab owns the scenarios and their
// expectations, which are the nft backend's.
func TestLab(t *testing.T) {
	iptables.NeedSystem(t)
	paths, err := filepath.Glob("../../testdata/lab/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no lab scenarios: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			s, err := lab.LoadScenario(path)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(s.Files, func(f txtar.File) bool { return f.Name == lab.RulesetSection }) {
				t.Skip("hand-written nft ruleset")
			}
			rep, err := s.Run(t.TempDir(), compileBundle, bundleLoader{dir: t.TempDir()}, lab.Options{Deadline: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Failed() {
				t.Error(r)
			}
		})
	}
}

// compileBundle is a lab.Compiler: the bundle as a txtar archive.
func compileBundle(root, node string) ([]byte, error) {
	rs, diags, err := pipeline.Load(root, pipeline.Options{Node: node})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, errors.New("the tree has errors")
	}
	b, err := iptables.Emit(rs, iptables.Options{})
	if err != nil {
		return nil, err
	}
	ar := &txtar.Archive{}
	for _, f := range b.Files() {
		ar.Files = append(ar.Files, txtar.File{Name: f.Name, Data: f.Data})
	}
	return txtar.Format(ar), nil
}

// bundleLoader is a lab.Loader for compileBundle's archives.
type bundleLoader struct{ dir string }

func (bundleLoader) Name() string { return "iptables" }

func (l bundleLoader) Load(ns *lab.NS, script []byte) error {
	for _, f := range txtar.Parse(script).Files {
		if err := os.WriteFile(filepath.Join(l.dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	if _, err := ns.Run(nil, "sh", filepath.Join(l.dir, "apply.sh")); err != nil {
		return fmt.Errorf("%w: %w", lab.ErrLoad, err)
	}
	return nil
}

func (bundleLoader) List(ns *lab.NS) (string, error) {
	var b strings.Builder
	for _, tool := range []string{"iptables-save", "ip6tables-save", "ebtables-save"} {
		out, err := ns.Run(nil, tool)
		if err != nil {
			return "", err
		}
		b.WriteString(out)
	}
	return b.String(), nil
}
