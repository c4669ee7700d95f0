package lab

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwc-project/fwc/emit/nft"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

// noOptimize is pipeline's -O0: the optimiser passes switched off.
func noOptimize(node string) pipeline.Options { return pipeline.Options{Node: node, NoOptimize: true} }

// compileNoOptimize is pipeline.Compile with -O0.
func compileNoOptimize(root, node string) ([]byte, error) {
	out, diags, err := pipeline.CompileNFT(root, noOptimize(node), nft.Options{})
	if errors.Is(err, pipeline.ErrDiagnostics) {
		return nil, fmt.Errorf("%w:\n%s", err, diags)
	}
	return out, err
}

// loadIRNoOptimize is the IR compileNoOptimize works from.
func loadIRNoOptimize(root, node string) (*ir.Ruleset, error) {
	rs, diags, err := pipeline.Load(root, noOptimize(node))
	if err == nil && diags.HasErrors() {
		err = fmt.Errorf("%s", diags)
	}
	return rs, err
}

// TestLabNoOptimize runs every scenario fwc compiles (those without a
// ruleset.nft section) once more with -O0: the optimiser must never
// change a verdict, so the same probes must pass.
func TestLabNoOptimize(t *testing.T) {
	tally.Lock()
	tally.ran = true
	tally.Unlock()
	paths := scenarioPaths(t)
	if why := unusable(); why != "" {
		cannotRun(t, len(paths), why)
	}
	caps, err := KernelCaps()
	if err != nil {
		cannotRun(t, len(paths), err.Error())
	}
	for _, path := range paths {
		s, err := LoadScenario(path)
		if err != nil {
			t.Fatal(err)
		}
		if handWritten(s) {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			t.Cleanup(func() { record(t) })
			if why := caps.Missing(s.Requires); why != "" {
				t.Skipf("kernel %s lacks %s", kernelRelease(), why)
			}
			start := time.Now()
			rep, err := s.Run(t.TempDir(), compileNoOptimize, NFT{}, Options{Deadline: *deadline, Explain: loadIRNoOptimize})
			if err != nil {
				t.Fatal(err)
			}
			if bad := rep.Failed(); len(bad) > 0 {
				var probes []Probe
				for _, r := range bad {
					t.Error(r)
					probes = append(probes, r.Probe)
				}
				t.Logf("ruleset (-O0) in the host namespace, the chains these probes cross:\n%s", Relevant(rep.Ruleset, probes))
			}
			t.Logf("%d probes with -O0 in %v", len(rep.Results), time.Since(start).Round(time.Millisecond))
		})
	}
}

// handWritten reports whether s brings its own ruleset instead of
// having fwc compile its tree.
func handWritten(s *Scenario) bool {
	for _, f := range s.Files {
		if f.Name == RulesetSection {
			return true
		}
	}
	return false
}
