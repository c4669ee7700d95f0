package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompileNotATree: a folder that is not a configuration tree (an empty
// one, /etc/pve with the cluster filesystem unmounted, the firewall/
// subfolder) is an error that says what was expected, and nothing is
// written: compiling it used to print a script that deletes fwc's tables.
func TestCompileNotATree(t *testing.T) {
	empty := t.TempDir()
	sub := filepath.Join(writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster}), "firewall")
	nodesOnly := writeTree(t, map[string]string{"nodes/pve1/host.fw": "[OPTIONS]\nenable: 1\n"})
	for _, tc := range []struct{ name, dir, hint string }{
		{"empty", empty, "empty"},
		{"firewall subfolder", sub, "give its parent"},
		{"nodes only", nodesOnly, "firewall/cluster.fw"},
	} {
		for _, keepGoing := range []bool{false, true} {
			out := filepath.Join(t.TempDir(), "ruleset.nft")
			os.WriteFile(out, []byte("previous\n"), 0o644)
			args := []string{"compile", "-o", out, tc.dir}
			if keepGoing {
				args = append([]string{"compile", "--keep-going"}, args[1:]...)
			}
			status, stdout, stderr := run(args...)
			if status != exitFindings || stdout != "" || !strings.Contains(stderr, "not a configuration tree") || !strings.Contains(stderr, tc.hint) {
				t.Errorf("%s (keep-going %v): status %d, stdout %q, stderr %q", tc.name, keepGoing, status, stdout, stderr)
			}
			if data, _ := os.ReadFile(out); string(data) != "previous\n" {
				t.Errorf("%s: output file was touched: %q", tc.name, data)
			}
			if status, stdout, _ := run("compile", tc.dir); status != exitFindings || stdout != "" {
				t.Errorf("%s to stdout: status %d, stdout %q", tc.name, status, stdout)
			}
		}
	}
}

// TestCompileDisabledSaysSo: a tree whose firewall is off compiles to the
// script that removes fwc's tables, as PVE removes its rules, and says so.
func TestCompileDisabledSaysSo(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"cluster enable 0": {"firewall/cluster.fw": "[OPTIONS]\nenable: 0\n"},
		"no enable":        {"firewall/cluster.fw": "[ALIASES]\nlocal_network 10.0.0.0/24\n"},
		"host enable 0":    {"firewall/cluster.fw": cleanCluster, "nodes/pve1/host.fw": "[OPTIONS]\nenable: 0\n"},
	} {
		status, stdout, stderr := run("compile", writeTree(t, files))
		if status != exitOK || !strings.Contains(stdout, "delete table inet fwc") || !strings.Contains(stderr, "[firewall-disabled]") {
			t.Errorf("%s: status %d, stderr %q, stdout:\n%s", name, status, stderr, stdout)
		}
	}
}

// TestNodeChoice: --keep-going never changes which node is compiled; a
// missing or ambiguous node is a usage error in every mode. Without
// --node, the tree's local symlink (as /etc/pve/local) or the machine's
// hostname picks the node.
func TestNodeChoice(t *testing.T) {
	files := map[string]string{
		"firewall/cluster.fw": cleanCluster,
		"nodes/pve1/host.fw":  "[RULES]\nIN ACCEPT -p tcp -dport 1001\n",
		"nodes/pve2/host.fw":  "[RULES]\nIN ACCEPT -p tcp -dport 1002\n",
	}
	dir := writeTree(t, files)
	for _, args := range [][]string{
		{"compile", dir}, {"compile", "--keep-going", dir},
		{"compile", "--node", "pve9", dir}, {"compile", "--keep-going", "--node", "pve9", dir},
		{"explain", "--from", "outside", "--to", "host", dir},
		{"lint", "--node", "pve9", dir},
	} {
		status, stdout, stderr := run(args...)
		if status != exitUsage || strings.Contains(stdout, "table") || !strings.Contains(stderr+stdout, "pve1, pve2") {
			t.Errorf("%v: status %d, want %d; stderr %q, stdout:\n%s", args, status, exitUsage, stderr, stdout)
		}
	}
	if status, stdout, _ := run("lint", dir); status != exitOK || stdout != "" {
		t.Errorf("lint without --node checks every node: status %d, output:\n%s", status, stdout)
	}
	local := writeTree(t, files)
	if err := os.Symlink("nodes/pve2", filepath.Join(local, "local")); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := run("compile", local)
	if status != exitOK || !strings.Contains(stdout, "1002") || strings.Contains(stdout, "1001") {
		t.Errorf("local -> nodes/pve2: status %d, stderr %q, stdout:\n%s", status, stderr, stdout)
	}
}

// TestWriteErrors: a failure to write the output is exit 2 with a
// message, whatever the command.
func TestWriteErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "[RULES]\nIN ACCEPT -p tcp -dport 8o\n"})
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	for _, args := range [][]string{
		{"lint", dir}, {"lint", "--format", "json", dir}, {"lint", "--list"},
		{"compile", "--keep-going", dir}, {"--help"},
		{"explain", "--keep-going", "--from", "outside", "--to", "host", dir},
	} {
		var stderr strings.Builder
		if status := Main(args, full, &stderr); status != exitFailure || !strings.Contains(stderr.String(), "no space left") {
			t.Errorf("%v > /dev/full: status %d, stderr %q", args, status, stderr.String())
		}
	}
}

// TestLintJSONFailures: --format json prints one document even when a
// path cannot be read; the failure is a diagnostic, and the exit status
// says what kind it was.
func TestLintJSONFailures(t *testing.T) {
	tree := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster})
	for _, tc := range []struct {
		path, code string
		status     int
	}{
		{filepath.Join(tree, "missing"), "io", exitFailure},
		{t.TempDir(), "not-a-tree", exitFindings},
	} {
		status, stdout, _ := run("lint", "--format", "json", tree, tc.path)
		var doc struct {
			Diagnostics []struct{ File, Code string } `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("%s: not one JSON document: %v\n%s", tc.code, err, stdout)
		}
		if status != tc.status || len(doc.Diagnostics) != 1 || doc.Diagnostics[0].Code != tc.code || doc.Diagnostics[0].File != tc.path {
			t.Errorf("%s: status %d, want %d; document:\n%s", tc.code, status, tc.status, stdout)
		}
	}
}

// TestUsageErrors: bad flags are usage errors (exit 80) in fwc's words.
func TestUsageErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint"}, "give at least one"},
		{[]string{"compile", "--local-network", "10.0.0.0/33", dir}, `--local-network: "10.0.0.0/33" is not a CIDR`},
		{[]string{"lint", "--local-network", "10.0.0.1", dir}, `--local-network: "10.0.0.1" is not a CIDR`},
		{[]string{"compile", "-O", "7", dir}, "-O 7: the optimisation level is 0 or 1"},
		{[]string{"explain", "--from", "outside", "--to", "host", "--dport", "sshd", dir}, `--dport: "sshd" is neither a port number nor a service name`},
	} {
		status, _, stderr := run(tc.args...)
		if status != exitUsage || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "netip") {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", tc.args, status, stderr, exitUsage, tc.want)
		}
	}
	byName := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "[RULES]\nIN ACCEPT -p tcp -dport 22\n"})
	status, stdout, stderr := run("explain", "--from", "outside", "--to", "host", "--dport", "ssh", "--sport", "https", byName)
	if _, want, _ := run("explain", "--from", "outside", "--to", "host", "--dport", "22", "--sport", "443", byName); status != exitOK || stdout != want || !strings.HasPrefix(stdout, "ACCEPT") {
		t.Errorf("--dport ssh: status %d, stderr %q, stdout:\n%s\nwant:\n%s", status, stderr, stdout, want)
	}
	if status, stdout, _ := run("--version"); status != exitOK || !strings.HasPrefix(stdout, "fwc ") {
		t.Errorf("--version: status %d, output %q", status, stdout)
	}
}

// TestOutputPaths: -o follows symlinks to the file they name, writes
// straight to devices, refuses other non-regular files, and so does every
// file of an iptables bundle; messages name the user's path.
func TestOutputPaths(t *testing.T) {
	tree := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster})
	dir := t.TempDir()
	real := filepath.Join(dir, "real.nft")
	os.WriteFile(real, []byte("stale\n"), 0o644)
	link := filepath.Join(dir, "link.nft")
	os.Symlink("real.nft", link)
	if status, _, stderr := run("compile", "-o", link, tree); status != exitOK {
		t.Fatalf("-o link: status %d, stderr %q", status, stderr)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("-o link replaced the link")
	}
	if data, _ := os.ReadFile(real); !strings.Contains(string(data), "table inet fwc") {
		t.Errorf("the link's target was not updated: %q", data)
	}

	full := filepath.Join(dir, "full")
	os.Symlink("/dev/full", full)
	if status, _, stderr := run("compile", "-o", full, tree); status != exitFailure || !strings.Contains(stderr, full+": no space left") {
		t.Errorf("-o a link to /dev/full: status %d, stderr %q", status, stderr)
	}
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/full is no longer a character device")
	}
	if status, _, stderr := run("compile", "-o", dir, tree); status != exitFailure || !strings.Contains(stderr, dir+": not a regular file") {
		t.Errorf("-o a directory: status %d, stderr %q", status, stderr)
	}

	// The bundle directory through a link, and rules.v4 a link too.
	bundle, realDir := filepath.Join(dir, "bundle"), t.TempDir()
	os.Symlink(realDir, bundle)
	os.WriteFile(filepath.Join(realDir, "v4.real"), []byte("stale\n"), 0o644)
	os.Symlink("v4.real", filepath.Join(realDir, "rules.v4"))
	os.Mkdir(filepath.Join(realDir, "rules.v6"), 0o755)
	status, _, stderr := run("compile", "--target", "iptables", "-o", bundle, tree)
	if want := filepath.Join(bundle, "rules.v6") + ": not a regular file"; status != exitFailure || !strings.Contains(stderr, want) {
		t.Errorf("bundle with a directory rules.v6: status %d, stderr %q, want %q", status, stderr, want)
	}
	os.Remove(filepath.Join(realDir, "rules.v6"))
	if status, _, stderr := run("compile", "--target", "iptables", "-o", bundle, tree); status != exitOK {
		t.Fatalf("bundle: status %d, stderr %q", status, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(realDir, "v4.real")); !strings.Contains(string(data), "*filter") {
		t.Errorf("rules.v4's target was not updated: %q", data)
	}
	if fi, _ := os.Lstat(filepath.Join(realDir, "rules.v4")); fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the rules.v4 link was replaced")
	}
}

// TestHostOptionsTakeEffect: the options PVE applies outside the ruleset
// are not silently dropped: the conntrack sysctls reach the kernel through
// the nft target's --sysctl fragment and the iptables bundle's apply.sh,
// and options fwc cannot honour draw an ignored-option warning.
func TestHostOptionsTakeEffect(t *testing.T) {
	tree := writeTree(t, map[string]string{
		"firewall/cluster.fw": "[OPTIONS]\nenable: 1\nebtables: 0\n\n[ALIASES]\nlocal_network 10.0.0.0/24\n",
		"nodes/pve1/host.fw": "[OPTIONS]\nnf_conntrack_max: 1048576\nnf_conntrack_tcp_timeout_established: 86400\n" +
			"nf_conntrack_tcp_timeout_syn_recv: 30\nlog_nf_conntrack: 1\nprotection_limit: 5\n",
	})
	want := []string{"nf_conntrack_max = 1048576", "nf_conntrack_tcp_timeout_established = 86400", "nf_conntrack_tcp_timeout_syn_recv = 30"}
	sysctl := filepath.Join(t.TempDir(), "fwc.conf")
	status, _, stderr := run("compile", "--sysctl", sysctl, tree)
	if status != exitOK {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	data, _ := os.ReadFile(sysctl)
	for _, w := range want {
		if !strings.Contains(string(data), "net.netfilter."+w+"\n") {
			t.Errorf("the sysctl fragment lacks %q:\n%s", w, data)
		}
	}
	for _, key := range []string{"log_nf_conntrack", "protection_limit", "ebtables"} {
		if !strings.Contains(stderr, `"`+key+`" is ignored`) {
			t.Errorf("no ignored-option warning for %s:\n%s", key, stderr)
		}
	}
	bundle := t.TempDir()
	if status, _, stderr := run("compile", "--target", "iptables", "-o", bundle, tree); status != exitOK {
		t.Fatalf("iptables: status %d, stderr %q", status, stderr)
	}
	apply, _ := os.ReadFile(filepath.Join(bundle, "apply.sh"))
	for _, w := range want {
		if !strings.Contains(string(apply), "net.netfilter."+strings.ReplaceAll(w, " = ", "=")) {
			t.Errorf("apply.sh does not set %q", w)
		}
	}
	out, _ := os.ReadFile(sysctl)
	if status, _, _ := run("compile", "--sysctl", sysctl, writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster})); status != exitOK {
		t.Fatalf("a tree without sysctls: status %d", status)
	}
	if data, _ := os.ReadFile(sysctl); strings.Contains(string(data), "net.") || len(data) == 0 || string(data) == string(out) {
		t.Errorf("a tree without sysctls must leave a fragment without settings:\n%s", data)
	}
	for _, bad := range []string{"nf_conntrack_max: 1000", "nf_conntrack_tcp_timeout_syn_recv: 61", "nf_conntrack_tcp_timeout_established: 60"} {
		dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster, "nodes/pve1/host.fw": "[OPTIONS]\n" + bad + "\n"})
		if status, _, stderr := run("compile", dir); status != exitFindings || !strings.Contains(stderr, "[invalid-option-value]") {
			t.Errorf("%s: status %d, stderr %q", bad, status, stderr)
		}
	}
}

// TestManagementLockout: lint warns when the host's input policy drops
// and nothing names where management access comes from.
func TestManagementLockout(t *testing.T) {
	for _, tc := range []struct {
		name, cluster string
		warn          bool
	}{
		{"nothing known, default DROP", "[OPTIONS]\nenable: 1\n", true},
		{"nothing known, REJECT", "[OPTIONS]\nenable: 1\npolicy_in: REJECT\n", true},
		{"empty management set", "[OPTIONS]\nenable: 1\n\n[IPSET management]\n", true},
		{"local_network", cleanCluster, false},
		{"management set", "[OPTIONS]\nenable: 1\n\n[IPSET management]\n192.0.2.10\n", false},
		{"input policy ACCEPT", "[OPTIONS]\nenable: 1\npolicy_in: ACCEPT\n", false},
		{"firewall off", "[OPTIONS]\nenable: 0\n", false},
	} {
		status, stdout, _ := run("lint", writeTree(t, map[string]string{"firewall/cluster.fw": tc.cluster}))
		if got := strings.Contains(stdout, "[management-lockout]"); got != tc.warn || status != exitOK {
			t.Errorf("%s: status %d, warning %v, want %v:\n%s", tc.name, status, got, tc.warn, stdout)
		}
	}
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": "[OPTIONS]\nenable: 1\n"})
	if _, stdout, _ := run("lint", "--local-network", "10.0.0.0/24", dir); strings.Contains(stdout, "[management-lockout]") {
		t.Errorf("--local-network names the management network:\n%s", stdout)
	}
}
