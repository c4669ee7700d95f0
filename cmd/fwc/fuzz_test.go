package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMain runs small random trees through Main with random flag
// combinations, as a user would: nothing may panic, and a compile that
// exits 0 prints a ruleset that filters the host unless it says the
// firewall is off (firewall-disabled): no input or flag may silently take
// the host's firewall away.
func FuzzMain(f *testing.F) {
	f.Add("[OPTIONS]\nenable: 1\n[ALIASES]\nlocal_network 10.0.0.0/24\n", "[RULES]\nIN SSH(ACCEPT)\n", "[OPTIONS]\nenable: 1\n", uint16(0))
	f.Add("[OPTIONS]\nenable: 0\n", "", "", uint16(1))
	f.Add("[OPTIONS]\nenable: 1\npolicy_in: REJECT\n", "[OPTIONS]\nenable: 0\n", "[RULES]\nIN DROP -p tcp -dport 8o\n", uint16(0x1ff))
	f.Add("[OPTIONS]\nenable: 1\n[IPSET management]\n192.0.2.1\n", "[OPTIONS]\nnf_conntrack_max: 99999\nlog_nf_conntrack: 1\n", "[OPTIONS]\nenable: 1\npolicy_in: DROP\n", uint16(0x42))
	for _, dir := range []string{"../../testdata/golden/nft", "../../testdata/golden/lint"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for i, file := range files {
			data, _ := os.ReadFile(file)
			f.Add(section(data, "firewall/cluster.fw"), section(data, "nodes/pve1/host.fw"), section(data, "firewall/100.fw"), uint16(i*37))
		}
	}
	f.Fuzz(func(t *testing.T, cluster, host, guest string, bits uint16) {
		root := t.TempDir()
		files := map[string]string{
			"nodes/pve1/host.fw":              host,
			"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1\n",
			"firewall/100.fw":                 guest,
		}
		if bits&1 == 0 {
			files["firewall/cluster.fw"] = cluster
		}
		if bits&2 != 0 {
			files["nodes/pve2/host.fw"] = host
		}
		for rel, data := range files {
			os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755)
			os.WriteFile(filepath.Join(root, rel), []byte(data), 0o644)
		}
		var flags []string
		for i, f := range [][]string{nil, nil, {"--keep-going"}, {"-O", "0"}, {"--node", "pve1"}, {"--node", "pve9"},
			{"--local-network", "10.0.0.0/24"}, {"--local-network", "10.0.0.0/33"}, {"-O", "3"}} {
			if bits&(1<<i) != 0 {
				flags = append(flags, f...)
			}
		}
		for _, cmd := range [][]string{{"lint"}, {"lint", "--format", "json"}, {"explain", "--from", "outside", "--to", "host", "--dport", "ssh"}} {
			Main(append(append(cmd, flags...), root), &bytes.Buffer{}, &bytes.Buffer{})
		}
		var stdout, stderr bytes.Buffer
		status := Main(append(append([]string{"compile"}, flags...), root), &stdout, &stderr)
		out := stdout.String()
		switch {
		case status != exitOK && out != "":
			t.Errorf("status %d with a ruleset printed", status)
		case status == exitOK && !strings.Contains(out, "hook input") && !strings.Contains(stderr.String(), "[firewall-disabled]"):
			t.Errorf("exit 0 with a ruleset that does not filter the host, and no firewall-disabled note:\n%s\nstderr:\n%s", out, stderr.String())
		}
		want := -1 // any status
		switch {
		case bits&(1<<7|1<<8) != 0: // a bad CIDR, -O 3
			want = exitUsage
		case bits&1 != 0: // no cluster.fw
			want = exitFindings
		case bits&(1<<5) != 0: // --node pve9
			want = exitUsage
		}
		if want >= 0 && status != want {
			t.Errorf("status %d, want %d; stderr:\n%s", status, want, stderr.String())
		}
	})
}

// section returns a txtar section's body, "" when absent.
func section(archive []byte, name string) string {
	_, rest, ok := strings.Cut(string(archive), "-- "+name+" --\n")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "\n-- ")
	return body + "\n"
}
