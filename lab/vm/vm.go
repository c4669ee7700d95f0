package vm

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Config describes one program run in a fresh VM.
type Config struct {
	Kernel  Kernel   // zero: FindKernel("/boot", "/lib/modules")
	Binary  string   // host path of the program; copied into the guest
	Args    []string // arguments after the program name
	Env     []string // KEY=value, added to a minimal PATH and HOME
	Dir     string   // working directory, a host path (see guestPath); default /
	Preload []string // modules to modprobe first; failures lead the output
	OutDir  string   // keeps initramfs, share and console.log; default a temp dir, removed
	Memory  int      // MiB; default 1536
	CPUs    int      // default 2
	QEMU    string   // default qemu-system-x86_64
	Busybox string   // a static busybox; default /bin/busybox
}

// Result is what the program did in the guest.
type Result struct {
	ExitCode int
	Output   string // standard output and error, interleaved
}

// NetfilterModules are the modules the kernel lab uses. Autoloading
// would find them; loading them up front makes a missing one show at
// the top of the output instead of as a wrong verdict.
var NetfilterModules = []string{
	"nf_tables", "nf_conntrack", "nft_ct", "nf_conntrack_bridge",
	"nft_reject_inet", "nft_reject_bridge", "nft_fib_inet", "nft_limit",
	"nft_log", "nfnetlink_log", "veth", "bridge", "br_netfilter",
}

// consoleTail is how much of the console an error quotes.
const consoleTail = 3000

// Run boots a VM, runs c.Binary in it and returns its exit code and
// output. An error means the guest did not report back: the VM failed
// to boot, ctx ended (QEMU is killed) or a host-side step failed; it
// quotes the tail of the guest console.
func Run(ctx context.Context, c Config) (Result, error) {
	if err := c.defaults(); err != nil {
		return Result{}, err
	}
	dir := c.OutDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "fwc-vm-")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	share := filepath.Join(dir, "share")
	if err := prepare(dir, share, c); err != nil {
		return Result{}, err
	}
	console := filepath.Join(dir, "console.log")
	log, err := os.Create(console)
	if err != nil {
		return Result{}, err
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, c.QEMU, qemuArgs(c, dir, share)...)
	cmd.Stdout, cmd.Stderr = log, log
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return Result{}, guestError(console, fmt.Errorf("vm: %w", ctx.Err()))
	}
	if runErr != nil {
		return Result{}, guestError(console, fmt.Errorf("vm: qemu: %w", runErr))
	}
	code, err := os.ReadFile(filepath.Join(share, "exit"))
	if err != nil {
		return Result{}, guestError(console, errors.New("vm: the guest reported no exit code"))
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(code)))
	if err != nil {
		return Result{}, fmt.Errorf("vm: bad exit code %q", code)
	}
	out, err := os.ReadFile(filepath.Join(share, "output"))
	return Result{ExitCode: n, Output: string(out)}, err
}

func (c *Config) defaults() error {
	if c.Kernel == (Kernel{}) {
		k, err := FindKernel("/boot", "/lib/modules")
		if err != nil {
			return err
		}
		c.Kernel = k
	}
	if c.Dir == "" {
		c.Dir = "/"
	}
	if c.Memory == 0 {
		c.Memory = 1536
	}
	if c.CPUs == 0 {
		c.CPUs = 2
	}
	if c.QEMU == "" {
		c.QEMU = "qemu-system-x86_64"
	}
	if c.Busybox == "" {
		c.Busybox = "/bin/busybox"
	}
	return requireStatic(c.Busybox)
}

// requireStatic fails for a dynamically linked program: the initramfs
// has no C library, so only busybox-static's busybox can run there.
func requireStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked", path)
		}
	}
	return nil
}

// prepare writes the initramfs into dir, and the program and its
// run.sh into the share, which the guest mounts at /run/vm.
func prepare(dir, share string, c Config) error {
	if err := os.MkdirAll(share, 0o755); err != nil {
		return err
	}
	var initrd bytes.Buffer
	if err := writeInitramfs(&initrd, c.Kernel, c.Busybox, c.Preload); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "initramfs.cpio"), initrd.Bytes(), 0o644); err != nil {
		return err
	}
	bin := filepath.Base(c.Binary)
	if err := copyFile(filepath.Join(share, bin), c.Binary); err != nil {
		return err
	}
	// The program runs from the guest's /run (a tmpfs): paging it in
	// over the uncached share would cost seconds under TCG.
	env := append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"}, c.Env...)
	script := fmt.Sprintf("cp /run/vm/%[1]s /run/%[1]s || exit 125\ncd %[2]s || exit 125\nexec env -i %[3]s %[4]s\n",
		shellWords([]string{bin}), shellWords([]string{guestPath(c.Dir)}), shellWords(env),
		shellWords(append([]string{"/run/" + bin}, c.Args...)))
	return os.WriteFile(filepath.Join(share, "run.sh"), []byte(script), 0o644)
}

// guestPath is where the guest sees a host path. The guest has its own
// tmpfs on /tmp; the host's /tmp (where a CI clone may live) is at
// /run/host-tmp.
func guestPath(p string) string {
	p = filepath.Clean(p)
	if p == "/tmp" || strings.HasPrefix(p, "/tmp/") {
		return "/run/host-tmp" + strings.TrimPrefix(p, "/tmp")
	}
	return p
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// qemuArgs boots the kernel under TCG with no disk, no network and no
// display; the serial console goes to QEMU's standard output.
func qemuArgs(c Config, dir, share string) []string {
	return []string{
		"-nodefaults", "-no-user-config", "-no-reboot",
		"-machine", "accel=tcg", "-display", "none", "-serial", "stdio",
		"-m", strconv.Itoa(c.Memory), "-smp", strconv.Itoa(c.CPUs),
		"-kernel", c.Kernel.Image,
		"-initrd", filepath.Join(dir, "initramfs.cpio"),
		// Under TCG the kernel finds the TSC unstable and falls back to
		// the emulated HPET, making every clock read a trap; QEMU's TSC
		// follows the host clock, so it is safe to trust.
		"-append", "console=ttyS0 panic=-1 quiet tsc=reliable",
		"-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
		"-virtfs", "local,path=" + share + ",mount_tag=share,security_model=none",
	}
}

// guestError appends the console's tail to err.
func guestError(console string, err error) error {
	log, _ := os.ReadFile(console)
	if len(log) > consoleTail {
		log = log[len(log)-consoleTail:]
	}
	return fmt.Errorf("%w; console tail:\n%s", err, log)
}
