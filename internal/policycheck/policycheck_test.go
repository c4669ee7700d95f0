package policycheck

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder collects Check's complaints instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, src string
		tables    []string
		want      int
	}{
		{"clean", "var w = 8 << 2\nvar s = \"accept\"\n", nil, 0},
		{"port", "func f() int { return 22 }\n", nil, 1},
		{"icmp name", "var s = \"icmp type echo-request\"\n", nil, 1},
		{"icmpv6 name", "var s = []string{\"nd-router-advert\"}\n", nil, 1},
		{"printing table", "var names = map[int]string{22: \"ssh\", 0: \"echo-reply\"}\n", []string{"names"}, 0},
		{"other table", "var names = map[int]string{22: \"ssh\"}\n", []string{"other"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n\n"+tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			r := &recorder{TB: t}
			Check(r, dir, tc.tables...)
			if len(r.errs) != tc.want {
				t.Errorf("%d complaints, want %d: %q", len(r.errs), tc.want, r.errs)
			}
		})
	}
}
