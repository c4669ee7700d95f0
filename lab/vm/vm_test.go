package vm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// checkEnv switches the test binary into a helper run inside the guest.
const checkEnv = "FWC_VM_CHECK"

func TestMain(m *testing.M) {
	if os.Getenv(checkEnv) == "bridge" {
		os.Exit(bridgeCheck())
	}
	os.Exit(m.Run())
}

// bridgeRuleset needs bridge conntrack and bridge reject, which this
// machine's own kernel lacks ("Protocol error", "No such file or
// directory") and Debian's kernel has as modules.
const bridgeRuleset = `table bridge fwc_check {
	chain prerouting {
		type filter hook prerouting priority 0; policy accept;
		ct state established,related accept
		tcp dport 22 reject with tcp reset
	}
}
`

// bridgeCheck loads bridgeRuleset into a fresh network namespace.
func bridgeCheck() int {
	release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	cmd := exec.Command("nft", "-f", "-")
	cmd.Stdin = strings.NewReader(bridgeRuleset)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	fmt.Printf("kernel %s", release)
	if err != nil {
		fmt.Printf("nft -f: %v\n%s", err, out)
		return 1
	}
	fmt.Println("bridge ruleset loaded")
	return 0
}

// requireVM returns the kernel to boot, or skips the test (fails it
// when CI is set) if this machine cannot run the VM.
func requireVM(t *testing.T) Kernel {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") != "" {
		skip = t.Fatalf
	}
	if os.Geteuid() != 0 {
		skip("boots a VM: needs root (the kernel image and the lab need it)")
	}
	if _, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		skip("boots a VM: %v (install qemu-system-x86)", err)
	}
	if err := requireStatic("/bin/busybox"); err != nil {
		skip("boots a VM: %v (install busybox-static)", err)
	}
	k, err := FindKernel("/boot", "/lib/modules")
	if err != nil {
		skip("boots a VM: %v", err)
	}
	return k
}

// TestVMExitStatus is the empty run: it times a boot and checks
// that the program's directory (under the host's /tmp, as a CI clone
// may be), environment, output and exit code come back.
func TestVMExitStatus(t *testing.T) {
	k := requireVM(t)
	dir, err := os.MkdirTemp("/tmp", "fwc-vm-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "marker"), []byte("host file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	got, err := Run(ctx, Config{
		Kernel: k,
		Binary: "/bin/sh",
		Args:   []string{"-c", `cat marker; echo "$FOO"; echo err >&2; exit 7`},
		Env:    []string{"FOO=bar"},
		Dir:    dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("boot and empty run on %s: %v", k.Version, time.Since(start).Round(time.Millisecond))
	want := Result{ExitCode: 7, Output: "host file\nbar\nerr\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

// TestVMBridgeConntrack loads a bridge ruleset with ct state and
// reject in the guest; nothing is preloaded, so the kernel autoloads
// nf_conntrack_bridge and nft_reject_bridge through the chroot.
func TestVMBridgeConntrack(t *testing.T) {
	k := requireVM(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	got, err := Run(ctx, Config{Kernel: k, Binary: self, Env: []string{checkEnv + "=bridge"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("boot and bridge check on %s: %v", k.Version, time.Since(start).Round(time.Millisecond))
	want := Result{Output: "kernel " + k.Version + "\nbridge ruleset loaded\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

// TestVMRunErrors checks that a VM that does not report back is an
// error quoting the console.
func TestVMRunErrors(t *testing.T) {
	k := requireVM(t)
	bad := k
	bad.Image = "/etc/hostname"
	tests := []struct {
		name    string
		kernel  Kernel
		timeout time.Duration
		want    string
	}{
		{"not a kernel", bad, time.Minute, "vm: qemu: exit status 1; console tail:\nqemu: "},
		{"timeout", k, 500 * time.Millisecond, "vm: context deadline exceeded; console tail:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), tt.timeout)
			defer cancel()
			_, err := Run(ctx, Config{Kernel: tt.kernel, Binary: "/bin/true"})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Run: error %v, want it to start with %q", err, tt.want)
			}
		})
	}
}

func TestGuestPath(t *testing.T) {
	tests := map[string]string{
		"/":               "/",
		"/work/main/lab":  "/work/main/lab",
		"/tmp":            "/run/host-tmp",
		"/tmp/ci/fwc/lab": "/run/host-tmp/ci/fwc/lab",
		"/tmpfoo":         "/tmpfoo",
		"/tmp/x/../y/":    "/run/host-tmp/y",
	}
	for in, want := range tests {
		if got := guestPath(in); got != want {
			t.Errorf("guestPath(%q) = %q, want %q", in, got, want)
		}
	}
}
