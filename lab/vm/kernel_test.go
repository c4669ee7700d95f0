package vm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVersionLess(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"6.1.0-56-amd64", "6.1.0-56-amd64", false},
		{"6.1.0-9-amd64", "6.1.0-10-amd64", true},
		{"6.10.0-1-amd64", "6.9.0-1-amd64", false},
		{"6.9.0-1-amd64", "6.10.0-1-amd64", true},
		{"6.1.0-056-amd64", "6.1.0-56-amd64", false},
		{"6.1.0", "6.1.0-1", true},
		{"6.1.0-1-amd64", "6.1.0-1-cloud-amd64", true},
	}
	for _, tt := range tests {
		if got := versionLess(tt.a, tt.b); got != tt.want {
			t.Errorf("versionLess(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// writeFiles creates files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindKernel(t *testing.T) {
	tests := []struct {
		name    string
		files   []string
		want    string // version; "" for an error
		wantErr bool
	}{
		{"none", nil, "", true},
		{"image without modules", []string{"boot/vmlinuz-6.1.0-1-amd64"}, "", true},
		{"modules without image", []string{"lib/6.1.0-1-amd64/modules.dep"}, "", true},
		{"one", []string{"boot/vmlinuz-6.1.0-1-amd64", "lib/6.1.0-1-amd64/modules.dep"}, "6.1.0-1-amd64", false},
		{"newest with modules", []string{
			"boot/vmlinuz-6.9.0-1-amd64", "lib/6.9.0-1-amd64/modules.dep",
			"boot/vmlinuz-6.10.0-2-amd64", "lib/6.10.0-2-amd64/modules.dep",
			"boot/vmlinuz-6.11.0-1-amd64",
		}, "6.10.0-2-amd64", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for _, f := range tt.files {
				files[f] = ""
			}
			writeFiles(t, dir, files)
			boot, lib := filepath.Join(dir, "boot"), filepath.Join(dir, "lib")
			got, err := FindKernel(boot, lib)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("FindKernel = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Kernel{
				Version: tt.want,
				Image:   filepath.Join(boot, "vmlinuz-"+tt.want),
				Modules: filepath.Join(lib, tt.want),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("FindKernel (-want +got):\n%s", diff)
			}
		})
	}
}
