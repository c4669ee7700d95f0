package lower

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/tree"
)

// FuzzLower feeds arbitrary bytes as cluster.fw and as a guest's .fw file
// through the parser and lowering. Nothing may panic or hang, every
// diagnostic must point into the input, and optimising must be idempotent.
func FuzzLower(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/golden/*/*.txtar")
	for _, s := range seeds {
		ar, err := txtar.ParseFile(s)
		if err != nil {
			continue
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".fw") {
				f.Add(file.Data)
			}
		}
	}
	if data, err := os.ReadFile("../example/firewall/cluster.fw"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cluster, d1 := grammar.Parse("cluster.fw", grammar.Cluster, src)
		guestFW, d2 := grammar.Parse("100.fw", grammar.Guest, src)
		guest := tree.Guest{VMID: 100, NICs: []tree.NIC{{Index: 0, MAC: "bc:24:11:00:00:01", Bridge: "vmbr0", Firewall: true}}}
		rs, d3 := Lower(Config{Node: "n", Cluster: cluster, Guests: []GuestInput{{Conf: guest, FW: guestFW}}}, Options{})
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, d := range append(append(d1, d2...), d3...) {
			if d.Pos.Line > lines || (d.Pos.Filename != "cluster.fw" && d.Pos.Filename != "100.fw") {
				t.Fatalf("diagnostic outside the input (%d lines): %v", lines, d)
			}
		}
		Optimize(rs)
		once := ir.Dump(rs)
		Optimize(rs)
		if twice := ir.Dump(rs); once != twice {
			t.Fatalf("Optimize is not idempotent:\n%s", cmp.Diff(once, twice))
		}
	})
}
