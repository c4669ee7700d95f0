package vm

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kernel is a bootable kernel image and its module tree.
type Kernel struct {
	Version string // the uname -r of the kernel, e.g. 6.1.0-56-amd64
	Image   string // e.g. /boot/vmlinuz-6.1.0-56-amd64
	// Modules is the kernel's module tree. In-guest modprobe runs in
	// the chroot, so it only finds modules under /lib/modules/<Version>
	// of the host root; the initramfs is built from this directory.
	Modules string
}

// FindKernel picks the kernel that /boot and /lib/modules hold both an
// image and a module tree for. With several, it takes the highest
// version (linux-image-amd64 depends on the newest one).
func FindKernel(boot, modules string) (Kernel, error) {
	images, err := filepath.Glob(filepath.Join(boot, "vmlinuz-*"))
	if err != nil {
		return Kernel{}, err
	}
	var best Kernel
	for _, img := range images {
		ver := strings.TrimPrefix(filepath.Base(img), "vmlinuz-")
		dir := filepath.Join(modules, ver)
		if _, err := os.Stat(filepath.Join(dir, "modules.dep")); err != nil {
			continue
		}
		if best.Version == "" || versionLess(best.Version, ver) {
			best = Kernel{Version: ver, Image: img, Modules: dir}
		}
	}
	if best.Version == "" {
		return Kernel{}, fmt.Errorf("no kernel in %s with modules in %s (install linux-image-amd64)", boot, modules)
	}
	return best, nil
}

// versionLess compares kernel versions with digit runs read as numbers,
// so 6.10.0 sorts after 6.9.0.
func versionLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na := strings.TrimLeft(a[:da], "0")
			nb := strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// moduleFiles maps each loadable module of the tree to its file, read
// from modules.dep; names use underscores, as lsmod shows them. Built-in
// modules are not in the map.
func moduleFiles(dir string) (map[string]string, error) {
	f, err := os.Open(filepath.Join(dir, "modules.dep"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rel, _, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		files[moduleName(rel)] = filepath.Join(dir, rel)
	}
	return files, sc.Err()
}

// moduleName turns kernel/fs/9p/9p.ko.xz into 9p.
func moduleName(path string) string {
	base := filepath.Base(path)
	if i := strings.Index(base, ".ko"); i >= 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(base, "-", "_")
}
