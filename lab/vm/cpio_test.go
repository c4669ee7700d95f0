package vm

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cpioEntry is one member of a newc archive, as readCPIO parses it.
type cpioEntry struct {
	Name string
	Mode uint32
	Data string
}

// readCPIO parses a newc archive up to its trailer.
func readCPIO(t *testing.T, b []byte) []cpioEntry {
	t.Helper()
	var out []cpioEntry
	off := 0
	align := func() { off = (off + 3) &^ 3 }
	for {
		if off+110 > len(b) || string(b[off:off+6]) != "070701" {
			t.Fatalf("no newc header at offset %d", off)
		}
		field := func(i int) int {
			v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
			if err != nil {
				t.Fatalf("header at %d field %d: %v", off, i, err)
			}
			return int(v)
		}
		mode, size, namesize := field(1), field(6), field(11)
		off += 110
		name := string(b[off : off+namesize-1])
		off += namesize
		align()
		data := string(b[off : off+size])
		off += size
		align()
		if name == "TRAILER!!!" {
			if off != len(b) {
				t.Errorf("%d bytes after the trailer", len(b)-off)
			}
			return out
		}
		out = append(out, cpioEntry{name, uint32(mode), data})
	}
}

func writeTestArchive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	c := &cpioWriter{w: &buf}
	c.dir("bin", 0o755)
	c.file("bin/a", 0o755, []byte("12345"))
	c.file("empty", 0o644, nil)
	c.symlink("bin/sh", "a")
	if err := c.close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCPIO(t *testing.T) {
	want := []cpioEntry{
		{"bin", 0o040755, ""},
		{"bin/a", 0o100755, "12345"},
		{"empty", 0o100644, ""},
		{"bin/sh", 0o120777, "a"},
	}
	got := readCPIO(t, writeTestArchive(t))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("archive (-want +got):\n%s", diff)
	}
}

// TestCPIOTool has GNU cpio list the archive, a reader this package did
// not write.
func TestCPIOTool(t *testing.T) {
	if _, err := exec.LookPath("cpio"); err != nil {
		t.Skip("cpio not installed")
	}
	cmd := exec.Command("cpio", "-it", "--quiet")
	cmd.Stdin = bytes.NewReader(writeTestArchive(t))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -it: %v\n%s", err, out)
	}
	want := "bin\nbin/a\nempty\nbin/sh\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("cpio -it (-want +got):\n%s", diff)
	}
}

func TestShellWords(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "'a'"},
		{[]string{"a b", "it's", ""}, `'a b' 'it'\''s' ''`},
		{[]string{"$HOME", "`x`"}, "'$HOME' '`x`'"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			got := shellWords(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("shellWords (-want +got):\n%s", diff)
			}
			// The shell must read the words back unchanged.
			out, err := exec.Command("/bin/sh", "-c", `for w in `+got+`; do printf '%s\n' "$w"; done`).Output()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.Join(append(tt.in, ""), "\n"), string(out)); diff != "" {
				t.Errorf("sh read back (-want +got):\n%s", diff)
			}
		})
	}
}
