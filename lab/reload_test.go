package lab

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fwc-project/fwc/pipeline"
)

// TestLabBadTreeKeepsRuleset is issue 10's first mistake on a real kernel:
// a good ruleset is in force, then a reload runs the compiler (the entry
// point `fwc compile` calls) on folders that are not configuration trees
// (an empty one, as /etc/pve is with the cluster filesystem down, and the
// firewall/ subfolder) and loads whatever it printed with `nft -f`, as a
// careless `fwc compile DIR > r.nft; nft -f r.nft` would. The compiler
// must fail and print nothing, so the good ruleset stays: the scenario's
// probes, DROPs included, still pass. (It used to print a script that
// deletes fwc's tables.)
func TestLabBadTreeKeepsRuleset(t *testing.T) {
	if why := unusable(); why != "" {
		cannotRun(t, 1, why)
	}
	t.Cleanup(func() { record(t) })
	s, err := LoadScenario(filepath.Join(*scenarioDir, "fwc-host-policy-drop.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	good := t.TempDir()
	if err := s.WriteTree(good); err != nil {
		t.Fatal(err)
	}
	bad := []string{t.TempDir(), filepath.Join(good, "firewall")}
	rep, err := s.Run(t.TempDir(), labCompiler, badReload{t: t, trees: bad}, Options{Deadline: *deadline})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Failed() {
		t.Errorf("after the failed reloads: %s", r)
	}
}

// badReload loads the good ruleset, then tries the reloads.
type badReload struct {
	NFT
	t     *testing.T
	trees []string
}

func (r badReload) Load(ns *NS, script []byte) error {
	if err := r.NFT.Load(ns, script); err != nil {
		return err
	}
	for _, tree := range r.trees {
		out, err := pipeline.Script(tree, pipeline.Options{})
		if err == nil || len(out) > 0 {
			r.t.Errorf("compiling %s: error %v and %d bytes printed; want an error and nothing", tree, err, len(out))
		}
		file := filepath.Join(r.t.TempDir(), "r.nft")
		if err := os.WriteFile(file, out, 0o644); err != nil {
			return err
		}
		if _, err := ns.Run(nil, "nft", "-f", file); err != nil {
			return err
		}
	}
	return nil
}
