package atomicfile

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestWriteRegular: a new or existing regular file is replaced, with the
// mode given and no temporary file left behind.
func TestWriteRegular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ruleset.nft")
	for _, content := range []string{"first\n", "second\n"} {
		if err := Write(path, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		if got := read(t, path); got != content {
			t.Errorf("content %q, want %q", got, content)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}

// TestWriteSymlink: writing to a symlink updates the file it points to,
// atomically in that file's directory; the link stays a link. A dangling
// link creates its target.
func TestWriteSymlink(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	target := filepath.Join(other, "real.nft")
	os.WriteFile(target, []byte("old\n"), 0o644)
	link := filepath.Join(dir, "link.nft")
	if err := os.Symlink(filepath.Join("..", filepath.Base(other), "real.nft"), link); err != nil {
		t.Fatal(err)
	}
	chain := filepath.Join(dir, "chain.nft") // a link to a link
	os.Symlink("link.nft", chain)
	if err := Write(chain, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got := read(t, target); got != "new\n" {
		t.Errorf("target holds %q, want the new content", got)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 1 {
		t.Errorf("files left in the target's directory: %v", entries)
	}
	dangling := filepath.Join(dir, "dangling.nft")
	os.Symlink("created.nft", dangling)
	if err := Write(dangling, []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "created.nft")); got != "x\n" {
		t.Errorf("dangling link's target holds %q", got)
	}
}

// TestWriteDevices: a character device or FIFO is written straight to,
// never replaced by a regular file; its errors name the user's path.
func TestWriteDevices(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full") // a link, so a broken Write cannot replace /dev/full itself
	os.Symlink("/dev/full", full)
	err := Write(full, []byte("x\n"), 0o644)
	if err == nil || !strings.Contains(err.Error(), full) || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("writing %s: %v", full, err)
	}
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/full is no longer a character device: %v %v", fi.Mode(), err)
	}
	if fi, _ := os.Lstat(full); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link to /dev/full was replaced")
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		got <- string(data)
	}()
	if err := Write(fifo, []byte("through the pipe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "through the pipe\n" {
			t.Errorf("the reader got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("nothing reached the FIFO's reader")
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}
}

// TestWriteRefuses: anything else that is not a regular file is refused
// and left alone; errors name the user's path, not a temporary file.
func TestWriteRefuses(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	missing := filepath.Join(dir, "no", "such", "ruleset.nft")
	for _, path := range []string{sock, sub, missing} {
		err := Write(path, []byte("x\n"), 0o644)
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || strings.Contains(err.Error(), ".ruleset.nft.") {
			t.Errorf("Write(%s) = %v; want an error that starts with the path", path, err)
		}
	}
	if fi, _ := os.Lstat(sock); fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("the socket was replaced")
	}
	if fi, _ := os.Lstat(sub); !fi.IsDir() {
		t.Errorf("the directory was replaced")
	}
}
