// Package testtree writes small configuration trees for tests.
package testtree

import (
	"os"
	"path/filepath"
	"testing"
)

// Write creates files (path relative to the root → content) under a new
// temporary root and returns the root.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, data := range files {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}
