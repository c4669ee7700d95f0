package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// TestDiffGolden runs every testdata/golden/diff case: an edit of the
// example tree. The entries old/PATH and new/PATH replace (or add) PATH
// in a copy of example/ on that side; `fwc diff` with the case's flags
// runs on the two copies, and out/diff is its exit status and stdout.
func TestDiffGolden(t *testing.T) {
	files, err := filepath.Glob("../../testdata/golden/diff/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no diff golden files found: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, side := range []string{"old", "new"} {
				copyTree(t, "../../example", filepath.Join(dir, side))
			}
			for _, f := range ar.Files {
				if f.Name == "out/diff" {
					continue
				}
				if !strings.HasPrefix(f.Name, "old/") && !strings.HasPrefix(f.Name, "new/") {
					t.Fatalf("unexpected txtar entry %q (old/PATH, new/PATH, out/diff)", f.Name)
				}
				if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"diff"}, caseFlags(ar.Comment, "flags:")...), filepath.Join(dir, "old"), filepath.Join(dir, "new"))
			status := Main(args, &stdout, &stderr)
			got := fmt.Sprintf("exit %d\n%s%s", status, stdout.String(), stderr.String())
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "out/diff" {
						ar.Files = ar.Files[:i]
						break
					}
				}
				ar.Files = append(ar.Files, txtar.File{Name: "out/diff", Data: []byte(got)})
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var want string
			for _, f := range ar.Files {
				if f.Name == "out/diff" {
					want = string(f.Data)
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("fwc diff (-want +got):\n%s", d)
			}
		})
	}
}

// copyTree copies the tree at from to to.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
