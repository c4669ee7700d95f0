package vm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// closingLine is the lab's summary, which `make lab` greps for.
var closingLine = regexp.MustCompile(`(?m)^lab \S+: \d+ passed, \d+ failed, \d+ skipped$`)

// TestDebianKernel builds the kernel lab's test binary and runs it in a
// VM booted with the distribution kernel, which has the bridge
// conntrack and reject modules this machine's kernel may lack. The
// lab's output goes to standard output as it is, closing line included.
// It is `make lab`'s second kernel; -short skips it.
func TestDebianKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole kernel lab in a VM; skipped with -short")
	}
	k := requireVM(t)
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot build the lab: %v", err)
		}
		t.Skipf("cannot build the lab: %v", err)
	}
	pkg, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "lab.test")
	build := exec.Command(goTool, "test", "-c", "-o", bin, ".")
	build.Dir = pkg
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c ./lab: %v\n%s", err, out)
	}

	ctx := t.Context()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-10*time.Second))
		defer cancel()
	}
	var env []string
	if ci := os.Getenv("CI"); ci != "" {
		env = append(env, "CI="+ci)
	}
	start := time.Now()
	res, err := Run(ctx, Config{
		Kernel:  k,
		Binary:  bin,
		Args:    []string{"-test.v"},
		Env:     env,
		Dir:     pkg,
		Preload: NetfilterModules,
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Print(res.Output)
	t.Logf("lab on %s in a VM: %v, exit code %d", k.Version, time.Since(start).Round(time.Second), res.ExitCode)
	for _, p := range labProblems(res) {
		t.Error(p)
	}
}

// labProblems says what is wrong with a lab run's result.
func labProblems(res Result) []string {
	var p []string
	if !closingLine.MatchString(res.Output) {
		p = append(p, "the lab printed no closing line (lab <kernel>: N passed, N failed, N skipped)")
	}
	if res.ExitCode != 0 {
		p = append(p, fmt.Sprintf("the lab failed in the VM (exit code %d)", res.ExitCode))
	}
	return p
}

func TestLabProblems(t *testing.T) {
	const closing = "lab 6.1.0-56-amd64: 12 passed, 0 failed, 0 skipped\n"
	tests := []struct {
		name string
		res  Result
		want []string
	}{
		{"passed", Result{Output: "PASS\n" + closing}, nil},
		{"failed", Result{ExitCode: 1, Output: "--- FAIL: TestLab\nlab 6.1.0-56-amd64: 11 passed, 1 failed, 0 skipped\nFAIL\n"},
			[]string{"the lab failed in the VM (exit code 1)"}},
		{"no closing line", Result{Output: "PASS\n"},
			[]string{"the lab printed no closing line (lab <kernel>: N passed, N failed, N skipped)"}},
		{"closing line not at line start", Result{Output: "x " + closing},
			[]string{"the lab printed no closing line (lab <kernel>: N passed, N failed, N skipped)"}},
		{"crashed", Result{ExitCode: 2, Output: "panic: boom\n"}, []string{
			"the lab printed no closing line (lab <kernel>: N passed, N failed, N skipped)",
			"the lab failed in the VM (exit code 2)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, labProblems(tt.res)); diff != "" {
				t.Errorf("labProblems (-want +got):\n%s", diff)
			}
		})
	}
}
