package diff

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

// TestDifferential checks Compare against explain itself: for random
// packets, the old and new verdicts differ exactly when the packet lies
// in a reported class.
func TestDifferential(t *testing.T) {
	old := load(t, "")
	// Two edits at once: a rule enabled, a source tightened in a set.
	new := load(t, "100.fw", "|IN SSH(ACCEPT)", "IN SSH(ACCEPT) -source 10.0.0.0/8", "dport 9100,9113", "dport 9100")
	rep, err := Compare(old, new, explain.Network{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Classes) == 0 {
		t.Fatal("no change reported for a change in behaviour")
	}
	on, _ := explain.Network{}.Prepare(old)
	nn, _ := explain.Network{}.Prepare(new)
	r := rand.New(rand.NewPCG(1, 2))
	eps := []explain.Endpoint{{Kind: explain.Host}, {Kind: explain.Outside}, {Kind: explain.Guest, VMID: 100, NIC: 0}}
	remotes := []string{"10.10.0.40", "10.0.0.1", "10.200.3.4", "203.0.113.66", "8.8.8.8", "198.51.100.7", "2001:db8:bad::1", "2001:db8:200::5", "2a00::1"}
	differ := 0
	for i := 0; i < 3000; i++ {
		from, to := eps[r.IntN(3)], eps[r.IntN(3)]
		if from == to {
			continue
		}
		fam := 4 + 2*r.IntN(2)
		cl := Class{From: from, To: to, Family: fam, Proto: []uint8{6, 17, 1, 58, 47}[r.IntN(5)], State: explain.State(r.IntN(2))}
		if cl.Proto == 1 && fam == 6 || cl.Proto == 58 && fam == 4 {
			continue
		}
		if cl.hasPorts() {
			dports := []int{22, 80, 9100, 9113, 443, 1 + r.IntN(65535)}
			cl.DPort = one(dports[r.IntN(len(dports))])
			cl.SPort = one(1 + r.IntN(65535))
		}
		if cl.isICMP() {
			cl.ICMPType, cl.ICMPCode = one(r.IntN(256)), one(0)
		}
		if from.Kind == explain.Outside || to.Kind == explain.Outside {
			var cands []netip.Addr
			for _, s := range remotes {
				if a := netip.MustParseAddr(s); a.Is6() == (fam == 6) {
					cands = append(cands, a)
				}
			}
			a := cands[r.IntN(len(cands))]
			cl.Remote = []AddrRange{{a, a}}
		}
		q := cl.packet()
		o, oerr := on.Explain(q)
		n, nerr := nn.Explain(q)
		if oerr != nil || nerr != nil {
			continue
		}
		changed := o.Verdict != n.Verdict
		if changed {
			differ++
		}
		if in := slices.ContainsFunc(rep.Classes, cl.in); in != changed {
			t.Errorf("%+v: old %s, new %s, in a reported class: %v", q, o.Verdict, n.Verdict, in)
		}
	}
	if differ == 0 {
		t.Error("no random packet fell in a change: the test proves nothing")
	}
}

func one(n int) Range { return Range{n, n} }

// in reports whether the single packet cl lies in class c.
func (cl Class) in(c Class) bool {
	if cl.From != c.From || cl.To != c.To || cl.Family != c.Family || cl.Proto != c.Proto || cl.State != c.State {
		return false
	}
	within := func(a, b Range) bool { return b.Lo <= a.Lo && a.Lo <= b.Hi }
	if cl.hasPorts() && !(within(cl.DPort, c.DPort) && within(cl.SPort, c.SPort)) {
		return false
	}
	if cl.isICMP() && !(within(cl.ICMPType, c.ICMPType) && within(cl.ICMPCode, c.ICMPCode)) {
		return false
	}
	if len(cl.Remote) > 0 {
		a := cl.Remote[0].From
		return slices.ContainsFunc(c.Remote, func(r AddrRange) bool { return r.From.Compare(a) <= 0 && a.Compare(r.To) <= 0 })
	}
	return true
}

// load reads the example tree's node pve1, with the replacements
// (old, new pairs) made in firewall/file.
func load(t *testing.T, file string, repl ...string) *ir.Ruleset {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../example")); err != nil {
		t.Fatal(err)
	}
	if file != "" {
		path := filepath.Join(dir, "firewall", file)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for i := 0; i+1 < len(repl); i += 2 {
			if !strings.Contains(s, repl[i]) {
				t.Fatalf("%s has no %q", file, repl[i])
			}
			s = strings.ReplaceAll(s, repl[i], repl[i+1])
		}
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rs, diags, err := pipeline.Load(dir, pipeline.Options{Node: "pve1"})
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	return rs
}
