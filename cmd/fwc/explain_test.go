package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExplainCommand(t *testing.T) {
	tree := writeTree(t, map[string]string{
		"firewall/cluster.fw":             "[OPTIONS]\nenable: 1\npolicy_in: DROP\n",
		"nodes/pve1/host.fw":              "[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -p tcp -dport 22\n",
		"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:01:00,bridge=vmbr0\n",
	})
	broken := writeTree(t, map[string]string{"firewall/cluster.fw": "[OPTIONS]\nenable: maybe\n"})
	rejecting := writeTree(t, map[string]string{
		"firewall/cluster.fw": "[OPTIONS]\nenable: 1\npolicy_out: REJECT\n",
		"nodes/pve1/host.fw":  "[OPTIONS]\nenable: 1\n",
	})
	tests := []struct {
		name   string
		args   []string
		status int
		stdout string // a prefix of standard output
		stderr string // a substring of standard error
	}{
		{"accept", []string{"--from", "100", "--to", "host", "-p", "tcp", "--dport", "22", tree}, 0, "ACCEPT: 100 (10.0.0.110) -> host (10.0.0.1)\n", ""},
		{"drop", []string{"--from", "outside", "--to", "host", "--dport", "23", tree}, 0, "DROP: outside", ""},
		{"bad endpoint", []string{"--from", "vm", "--to", "host", tree}, exitUsage, "", `--from: endpoint "vm"`},
		{"missing endpoint", []string{"--from", "101", "--to", "host", tree}, exitUsage, "", "endpoints are host, outside, 100/net0"},
		{"bad address", []string{"--from", "100", "--to", "host", "--src", "10.1", tree}, exitUsage, "", "--src"},
		{"bad MAC", []string{"--from", "100", "--to", "host", "--mac", "zz", tree}, exitUsage, "", "--mac"},
		{"bad state", []string{"--from", "100", "--to", "host", "--state", "related", tree}, exitUsage, "", "--state"},
		{"broken tree", []string{"--from", "100", "--to", "host", broken}, exitFindings, "", "nothing explained"},
		{"status accept", []string{"--verdict-status", "--from", "100", "--to", "host", "-p", "tcp", "--dport", "22", tree}, 0, "ACCEPT", ""},
		{"status drop", []string{"--verdict-status", "--from", "outside", "--to", "host", "--dport", "23", tree}, 10, "DROP: outside", ""},
		{"status reject", []string{"--verdict-status", "--from", "host", "--to", "outside", "--dport", "43", "--format", "json", rejecting}, 11, "{\n  \"verdict\": \"REJECT\"", ""},
		{"status usage", []string{"--verdict-status", "--from", "vm", "--to", "host", tree}, exitUsage, "", `--from: endpoint "vm"`},
		{"status broken tree", []string{"--verdict-status", "--from", "100", "--to", "host", broken}, exitFindings, "", "nothing explained"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stdout, stderr := run(append([]string{"explain"}, tt.args...)...)
			if status != tt.status || !strings.HasPrefix(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("status %d, stdout %q, stderr %q; want %d, %q..., ...%q...", status, stdout, stderr, tt.status, tt.stdout, tt.stderr)
			}
		})
	}
}

func TestExplainJSON(t *testing.T) {
	tree := writeTree(t, map[string]string{
		"firewall/cluster.fw": "[OPTIONS]\nenable: 1\npolicy_in: REJECT\n",
		"nodes/pve1/host.fw":  "[OPTIONS]\nenable: 1\n",
	})
	status, stdout, stderr := run("explain", "--from", "outside", "--to", "host", "-p", "udp", "--dport", "53", "--format", "json", tree)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	var doc struct {
		Verdict string `json:"verdict"`
		Path    []struct {
			Chain, Match, File string
			Line               int
		} `json:"path"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Verdict != "REJECT" {
		t.Errorf("verdict %q, want REJECT", doc.Verdict)
	}
	var chains []string
	for _, s := range doc.Path {
		chains = append(chains, s.Chain)
	}
	if diff := cmp.Diff([]string{"input", "do-reject"}, chains); diff != "" {
		t.Errorf("chains (-want +got):\n%s", diff)
	}
	if len(doc.Path) > 0 && (!strings.HasSuffix(doc.Path[0].File, "firewall/cluster.fw") || doc.Path[0].Line != 3) {
		t.Errorf("policy step at %s:%d, want cluster.fw:3", doc.Path[0].File, doc.Path[0].Line)
	}
}
