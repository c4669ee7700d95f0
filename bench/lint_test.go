package bench

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwc-project/fwc/gen"
)

// BenchmarkLintAfterChange times diagnostics for one file after an edit,
// in trees of 1,000 and 5,000 guests (target: < 200 ms for a guest file
// at 5,000): a guest file, the host file, and cluster.fw (which every
// guest may use, so the whole tree is lowered again).
func BenchmarkLintAfterChange(b *testing.B) {
	for _, g := range []int{1000, 5000} {
		for _, f := range []struct{ name, rel string }{
			{"guest", "firewall/100.fw"},
			{"host", "nodes/" + gen.Node + "/host.fw"},
			{"cluster", "firewall/cluster.fw"},
		} {
			b.Run(fmt.Sprintf("G=%d/%s", g, f.name), func(b *testing.B) {
				dir := genTree(b, g)
				var best time.Duration
				for b.Loop() {
					d, err := LintAfterChange(dir, filepath.Join(dir, f.rel), 10)
					if err != nil {
						b.Fatal(err)
					}
					best = d
				}
				b.ReportMetric(float64(best)/float64(time.Millisecond), "ms/edit")
			})
		}
	}
}
