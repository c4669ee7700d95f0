package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwc-project/fwc/emit/nft"
	"github.com/fwc-project/fwc/gen"
	"github.com/fwc-project/fwc/pipeline"
)

// sizes are the guest counts every benchmark runs at.
var sizes = []int{10, 100, 1000, 5000, 10000}

// treeRoot holds one generated tree per size, shared by all benchmarks
// of a run and removed by TestMain.
var (
	treeRoot string
	trees    = map[int]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if treeRoot != "" {
		os.RemoveAll(treeRoot)
	}
	os.Exit(code)
}

// genTree returns the directory of the tree with g guests, generating it
// on first use; callers generate before their timed loop.
func genTree(b *testing.B, g int) string {
	b.Helper()
	if dir, ok := trees[g]; ok {
		return dir
	}
	if treeRoot == "" {
		dir, err := os.MkdirTemp("", "fwc-bench-")
		if err != nil {
			b.Fatal(err)
		}
		treeRoot = dir
	}
	dir := filepath.Join(treeRoot, fmt.Sprint(g))
	if err := gen.Write(dir, gen.Options{Guests: g, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	trees[g] = dir
	return dir
}

// BenchmarkCompile times the whole pipeline (read, parse, lower,
// optimise, emit nft) and reports the size of the script.
func BenchmarkCompile(b *testing.B) {
	compile(b, pipeline.Options{Node: gen.Node})
}

// BenchmarkCompileO0 is BenchmarkCompile without the optimiser.
func BenchmarkCompileO0(b *testing.B) {
	compile(b, pipeline.Options{Node: gen.Node, NoOptimize: true})
}

func compile(b *testing.B, o pipeline.Options) {
	for _, g := range sizes {
		b.Run(fmt.Sprintf("G=%d", g), func(b *testing.B) {
			dir := genTree(b, g)
			var out []byte
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if out, err = pipeline.Script(dir, o); err != nil {
					b.Fatal(err)
				}
			}
			s := Count(out)
			b.ReportMetric(float64(s.Rules), "rules")
			b.ReportMetric(float64(s.Sets), "sets")
			b.ReportMetric(float64(s.Elements), "elements")
			b.ReportMetric(float64(s.Bytes), "script-bytes")
		})
	}
}

// BenchmarkLoad times the front end alone: read, parse, lower, optimise.
func BenchmarkLoad(b *testing.B) {
	for _, g := range sizes {
		b.Run(fmt.Sprintf("G=%d", g), func(b *testing.B) {
			dir := genTree(b, g)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := pipeline.Load(dir, pipeline.Options{Node: gen.Node}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmit times the nft emitter alone on a loaded ruleset.
func BenchmarkEmit(b *testing.B) {
	for _, g := range sizes {
		b.Run(fmt.Sprintf("G=%d", g), func(b *testing.B) {
			rs, _, err := pipeline.Load(genTree(b, g), pipeline.Options{Node: gen.Node})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := nft.Emit(&buf, rs, nft.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
