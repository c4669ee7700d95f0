package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwc-project/fwc/internal/testtree"
)

// writeTree writes files (relative path → content) under a temporary root.
func writeTree(t *testing.T, files map[string]string) string { return testtree.Write(t, files) }

func run(args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = Main(args, &out, &errb)
	return status, out.String(), errb.String()
}

const cleanCluster = "[OPTIONS]\nenable: 1\n\n[ALIASES]\nlocal_network 10.0.0.0/24\n"

func TestLintExitCodes(t *testing.T) {
	clean := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster})
	broken := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "[RULES]\nIN ACCEPT -p tcp -dport 8o\n"})
	tests := []struct {
		name   string
		args   []string
		status int
	}{
		{"clean", []string{"lint", clean}, exitOK},
		{"errors", []string{"lint", broken}, exitFindings},
		{"missing path", []string{"lint", filepath.Join(clean, "nope")}, exitFailure},
		{"usage", []string{"lint", "--format", "yaml", clean}, exitUsage},
		{"list", []string{"lint", "--list"}, exitOK},
	}
	for _, tc := range tests {
		if status, _, stderr := run(tc.args...); status != tc.status {
			t.Errorf("%s: status %d, want %d (stderr %q)", tc.name, status, tc.status, stderr)
		}
	}
}

func TestLintJSON(t *testing.T) {
	for _, tc := range []struct {
		name, cluster string
		want          int
	}{
		{"clean prints an empty list", cleanCluster, 0},
		{"one error", cleanCluster + "[RULES]\nIN ACCEPT -p tcp -dport 8o\n", 1},
	} {
		dir := writeTree(t, map[string]string{"firewall/cluster.fw": tc.cluster})
		_, stdout, _ := run("lint", "--format", "json", dir)
		var doc struct {
			Diagnostics []map[string]any `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.Diagnostics == nil {
			t.Fatalf("%s: not one JSON document with a diagnostics list: %v\n%s", tc.name, err, stdout)
		}
		if len(doc.Diagnostics) != tc.want {
			t.Errorf("%s: %d diagnostics, want %d: %s", tc.name, len(doc.Diagnostics), tc.want, stdout)
		}
		for _, d := range doc.Diagnostics {
			for _, key := range []string{"file", "line", "col", "offset", "severity", "code", "message"} {
				if _, ok := d[key]; !ok {
					t.Errorf("%s: diagnostic lacks %q: %v", tc.name, key, d)
				}
			}
		}
	}
}

func TestLintSingleFile(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"100.fw":    "[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -i net40 -p tcp -dport 22\nIN ACCEPT -source +dc/remote\n",
		"rules.txt": "[RULES]\nIN ACCEPT\n",
	})
	status, stdout, _ := run("lint", filepath.Join(dir, "100.fw"))
	if status != exitFindings || !strings.Contains(stdout, "100.fw:4:14: error: guest 100 has no interface \"net40\"") {
		t.Errorf("guest file: status %d, output:\n%s", status, stdout)
	}
	if strings.Contains(stdout, "remote") {
		t.Errorf("a cluster reference was reported for a lone guest file:\n%s", stdout)
	}
	if status, stdout, _ = run("lint", filepath.Join(dir, "rules.txt")); status != exitFindings || !strings.Contains(stdout, "[file-kind]") {
		t.Errorf("unknown kind: status %d, output:\n%s", status, stdout)
	}
	if status, stdout, _ = run("lint", "--kind", "host", filepath.Join(dir, "rules.txt")); status != exitOK {
		t.Errorf("--kind host: status %d, output:\n%s", status, stdout)
	}
}

func TestCompileWritesNothingOnError(t *testing.T) {
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "[RULES]\nIN ACCEPT -p tcp -dport 8o\n"})
	out := filepath.Join(t.TempDir(), "ruleset.nft")
	if err := os.WriteFile(out, []byte("previous\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := run("compile", "-o", out, dir)
	if status != exitFindings || stdout != "" || !strings.Contains(stderr, "cluster.fw:7:") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	if data, _ := os.ReadFile(out); string(data) != "previous\n" {
		t.Errorf("output file was touched: %q", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if status, _, stderr = run("compile", "--keep-going", "-o", out, dir); status != exitOK || !strings.Contains(stderr, "warning:") {
		t.Errorf("--keep-going: status %d, stderr %q", status, stderr)
	}
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), "table inet fwc") {
		t.Errorf("--keep-going wrote no ruleset: %q", data)
	}
}

func TestCompileIPTables(t *testing.T) {
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "[RULES]\nIN SSH(ACCEPT)\n"})
	if status, _, stderr := run("compile", "--target", "iptables", dir); status != exitUsage {
		t.Errorf("without -o: status %d, want usage error; stderr %q", status, stderr)
	}
	out := filepath.Join(t.TempDir(), "bundle")
	if status, _, stderr := run("compile", "--target", "iptables", "-o", out, dir); status != exitOK {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	for _, name := range []string{"ipsets", "rules.v4", "rules.v6", "ebtables", "apply.sh"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("bundle lacks %s: %v", name, err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(out, "rules.v4")); !strings.Contains(string(data), "--dport 22") {
		t.Errorf("rules.v4 lacks the SSH rule:\n%s", data)
	}
}
