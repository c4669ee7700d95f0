package vm

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/template"
)

// bootModules are what the initramfs needs to mount the host root over
// virtio 9p, in load order (insmod does not resolve dependencies).
// Those built into a kernel, or absent from it, are skipped.
var bootModules = []string{
	"virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev",
	"virtio_pci", "netfs", "fscache", "9pnet", "9pnet_virtio", "9p",
}

// writeInitramfs writes the guest's initramfs: busybox, the boot
// modules of k (decompressed, since busybox insmod may not read
// compressed ones) and the /init script. Preload names modules the
// guest modprobes from the host root before running the program.
func writeInitramfs(w io.Writer, k Kernel, busybox string, preload []string) error {
	files, err := moduleFiles(k.Modules)
	if err != nil {
		return err
	}
	bb, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	c := &cpioWriter{w: w}
	for _, d := range []string{"bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "host", "modules"} {
		c.dir(d, 0o755)
	}
	c.file("bin/busybox", 0o755, bb)
	var loaded []string
	for _, m := range bootModules {
		path, ok := files[m]
		if !ok {
			continue
		}
		data, err := readModule(path)
		if err != nil {
			return err
		}
		c.file("modules/"+m+".ko", 0o644, data)
		loaded = append(loaded, m)
	}
	var script bytes.Buffer
	err = initScript.Execute(&script, struct {
		Modules []string
		Preload string
	}{loaded, shellWords(preload)})
	if err != nil {
		return err
	}
	c.file("init", 0o755, script.Bytes())
	c.file("hostmodprobe", 0o755, []byte(hostModprobe))
	return c.close()
}

// readModule returns a module file's ELF bytes, decompressing the forms
// kmod installs (.ko.xz, .ko.zst, .ko.gz).
func readModule(path string) ([]byte, error) {
	switch {
	case strings.HasSuffix(path, ".ko"):
		return os.ReadFile(path)
	case strings.HasSuffix(path, ".ko.gz"):
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return io.ReadAll(z)
	case strings.HasSuffix(path, ".ko.xz"):
		return decompress("xz", path)
	case strings.HasSuffix(path, ".ko.zst"):
		return decompress("zstd", path)
	}
	return nil, fmt.Errorf("%s: unknown module compression", path)
}

func decompress(tool, path string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(tool, "-dc", path)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s -dc %s: %v: %s", tool, path, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// hostModprobe is the kernel's modprobe helper (kernel.modprobe): the
// kernel starts it from the initramfs root, where no module tree is, so
// it runs the host's modprobe inside the chroot. Module autoloading
// (nft expressions, nf_conntrack_bridge, ...) then works as on a host.
const hostModprobe = `#!/bin/busybox sh
exec /bin/busybox chroot /host /sbin/modprobe "$@"
`

// initScript is the guest's /init. It powers off whatever happens; the
// host reads the outcome from the share (exit, output) and the console.
// The host root is mounted with cache=loose: it is read-only and does
// not change during a run, and without the guest's page cache every
// page fault of every program is a 9p round trip (a bridge ruleset
// check took 54 s instead of 8 s).
var initScript = template.Must(template.New("init").Parse(`#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
fail() { echo "vm: $*"; poweroff -f; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
{{range .Modules}}insmod /modules/{{.}}.ko || echo "vm: insmod {{.}} failed"
{{end -}}
o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o ro,cache=loose,$o hostroot /host || fail "cannot mount the host root"
mount -t tmpfs tmpfs /host/run
mkdir /host/run/vm /host/run/host-tmp
mount --bind /host/tmp /host/run/host-tmp
mount -t tmpfs tmpfs /host/tmp
mount -t 9p -o $o share /host/run/vm || fail "cannot mount the share"
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
echo /hostmodprobe >/proc/sys/kernel/modprobe
ip link set lo up
{{if .Preload}}chroot /host /sbin/modprobe -a {{.Preload}} >>/host/run/vm/output 2>&1 ||
	echo "vm: some modules did not load" >>/host/run/vm/output
{{end -}}
echo "vm: running"
chroot /host /bin/sh /run/vm/run.sh >>/host/run/vm/output 2>&1
echo $? >/host/run/vm/exit
sync
poweroff -f
`))

// shellWords quotes each word for sh and joins them with spaces.
func shellWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
