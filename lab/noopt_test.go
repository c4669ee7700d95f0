package lab

import (
	"fmt"
	"testing"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

// noOptimize is pipeline's -O0: the optimiser passes switched off.
func noOptimize(node string) pipeline.Options { return pipeline.Options{Node: node, NoOptimize: true} }

// compileNoOptimize is fwcCompile with -O0.
func compileNoOptimize(root, node string) ([]byte, error) {
	return pipeline.Script(root, noOptimize(node))
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
	runLab(t, labRun{compile: compileNoOptimize, explain: loadIRNoOptimize, fwcOnly: true, label: " with -O0"})
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
