package vm

import (
	"bytes"
	"compress/gzip"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// compressed returns data in the form of a module file suffix, and the
// suffix; without the tool it falls back to a plain .ko.
func compressed(t *testing.T, suffix, data string) (string, string) {
	t.Helper()
	switch suffix {
	case ".ko.gz":
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		z.Write([]byte(data))
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return b.String(), suffix
	case ".ko.xz", ".ko.zst":
		tool := map[string]string{".ko.xz": "xz", ".ko.zst": "zstd"}[suffix]
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not installed: testing a plain .ko instead", tool)
			return data, ".ko"
		}
		cmd := exec.Command(tool, "-c")
		cmd.Stdin = strings.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out), suffix
	}
	return data, suffix
}

func TestWriteInitramfs(t *testing.T) {
	dir := t.TempDir()
	// A module tree with some boot modules compressed, some built in or
	// absent (no modules.dep line), and one the initramfs does not need.
	mods := []struct{ path, suffix string }{
		{"kernel/drivers/virtio/virtio_ring", ".ko"},
		{"kernel/drivers/virtio/virtio", ".ko.xz"},
		{"kernel/net/9p/9pnet", ".ko.zst"},
		{"kernel/fs/9p/9p", ".ko.gz"},
		{"kernel/net/bridge/bridge", ".ko"},
	}
	files := map[string]string{"busybox": "BB"}
	var dep strings.Builder
	for _, m := range mods {
		data, suffix := compressed(t, m.suffix, "ELF "+filepath.Base(m.path))
		files["mods/"+m.path+suffix] = data
		dep.WriteString(m.path + suffix + ":\n")
	}
	files["mods/modules.dep"] = dep.String()
	writeFiles(t, dir, files)

	var buf bytes.Buffer
	k := Kernel{Version: "6.1.0-1-amd64", Modules: filepath.Join(dir, "mods")}
	if err := writeInitramfs(&buf, k, filepath.Join(dir, "busybox"), []string{"nf_tables", "it's"}); err != nil {
		t.Fatal(err)
	}
	var names []string
	contents := map[string]string{}
	for _, e := range readCPIO(t, buf.Bytes()) {
		names = append(names, e.Name)
		contents[e.Name] = e.Data
	}
	wantNames := []string{
		"bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "host", "modules",
		"bin/busybox",
		"modules/virtio_ring.ko", "modules/virtio.ko", "modules/9pnet.ko", "modules/9p.ko",
		"init", "hostmodprobe",
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("archive members (-want +got):\n%s", diff)
	}
	for _, m := range []string{"virtio_ring", "virtio", "9pnet", "9p"} {
		if got, want := contents["modules/"+m+".ko"], "ELF "+m; got != want {
			t.Errorf("modules/%s.ko = %q, want %q", m, got, want)
		}
	}
	var loads []string
	for _, line := range strings.Split(contents["init"], "\n") {
		if strings.HasPrefix(line, "insmod ") || strings.Contains(line, "modprobe -a") {
			loads = append(loads, line)
		}
	}
	wantLoads := []string{
		`insmod /modules/virtio_ring.ko || echo "vm: insmod virtio_ring failed"`,
		`insmod /modules/virtio.ko || echo "vm: insmod virtio failed"`,
		`insmod /modules/9pnet.ko || echo "vm: insmod 9pnet failed"`,
		`insmod /modules/9p.ko || echo "vm: insmod 9p failed"`,
		`chroot /host /sbin/modprobe -a 'nf_tables' 'it'\''s' >>/host/run/vm/output 2>&1 ||`,
	}
	if diff := cmp.Diff(wantLoads, loads); diff != "" {
		t.Errorf("module loading in /init (-want +got):\n%s", diff)
	}
}

func TestReadModuleErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.ko.gz": "not gzip", "a.ko.xz": "not xz", "a.ko.bz2": ""})
	for _, name := range []string{"a.ko.gz", "a.ko.xz", "a.ko.bz2", "missing.ko"} {
		if _, err := readModule(filepath.Join(dir, name)); err == nil {
			t.Errorf("readModule(%s): no error", name)
		}
	}
}

// TestRequireStatic covers the refusals; the VM tests boot the real
// busybox-static, which it accepts.
func TestRequireStatic(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"script": "#!/bin/sh\n"})
	for _, path := range []string{"/bin/sh", filepath.Join(dir, "script"), filepath.Join(dir, "missing")} {
		if err := requireStatic(path); err == nil {
			t.Errorf("requireStatic(%s): no error", path)
		}
	}
}
