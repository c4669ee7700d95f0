package nft

import (
	"github.com/fwc-project/fwc/plan"

	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.nft")

// goldenOptions gives a case its emitter options.
func goldenOptions(name string) Options {
	if name == "kernel-log" {
		return Options{KernelLog: true}
	}
	return Options{LogGroup: 0}
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got bytes.Buffer
			if err := Emit(&got, tc.rs(), goldenOptions(tc.name)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".nft")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("%s differed (-want +got):\n%s", path, diff)
			}
		})
	}
}

// TestDeterministic emits every case twice from fresh rulesets.
func TestDeterministic(t *testing.T) {
	for _, tc := range goldenCases {
		a := render(plan.Build(tc.rs()), Options{}, true, true)
		b := render(plan.Build(tc.rs()), Options{}, true, true)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", tc.name)
		}
	}
}
