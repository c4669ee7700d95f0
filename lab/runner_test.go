package lab

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRelevant(t *testing.T) {
	listing := "table inet fwc {\n\tchain input {\n\t}\n}\ntable bridge fwc {\n\tchain forward {\n\t}\n}\ntable arp filter {\n}"
	inet := "table inet fwc {\n\tchain input {\n\t}\n}"
	bridge := "table bridge fwc {\n\tchain forward {\n\t}\n}"
	tests := []struct {
		line string
		want string
	}{
		{"outside -> host tcp/22 ACCEPT", inet},
		{"vm100 -> host tcp/22 ACCEPT", inet + "\n" + bridge},
		{"vm100 arp-spoof 10.0.0.9 -> host DROP", listing},
	}
	for _, tt := range tests {
		probes, err := ParseExpect(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, Relevant(listing, probes)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestFileCompiler(t *testing.T) {
	with, without := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(with, RulesetSection), []byte("table inet fwc {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := func(root, node string) ([]byte, error) { return []byte("compiled " + node), nil }
	tests := []struct {
		root string
		next Compiler
		want string
		err  bool
	}{
		{with, next, "table inet fwc {}\n", false},
		{without, next, "compiled pve1", false},
		{without, nil, "", true},
	}
	for _, tt := range tests {
		got, err := FileCompiler(tt.next)(tt.root, "pve1")
		if string(got) != tt.want || (err != nil) != tt.err {
			t.Errorf("FileCompiler(%s) = %q, %v; want %q, error %v", tt.root, got, err, tt.want, tt.err)
		}
	}
}
