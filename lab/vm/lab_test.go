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
	if !closingLine.MatchString(res.Output) {
		t.Errorf("the lab printed no closing line (lab <kernel>: N passed, N failed, N skipped)")
	}
	if res.ExitCode != 0 {
		t.Errorf("the lab failed in the VM (exit code %d)", res.ExitCode)
	}
}
