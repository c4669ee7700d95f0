package iptables

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteDir(t *testing.T) {
	b, err := Emit(cases[1].rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	for range 2 { // the second write replaces the first
		if err := b.WriteDir(dir); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(b.Files()) {
		t.Errorf("%d entries in %s, want %d (temporary files left?)", len(entries), dir, len(b.Files()))
	}
	for _, f := range b.Files() {
		st, err := os.Stat(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != f.Mode {
			t.Errorf("%s has mode %v, want %v", f.Name, st.Mode().Perm(), f.Mode)
		}
		got, _ := os.ReadFile(filepath.Join(dir, f.Name))
		if string(got) != string(f.Data) {
			t.Errorf("%s content differs", f.Name)
		}
	}
}
