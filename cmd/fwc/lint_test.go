package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runStdin(stdin string, args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = mainIO(args, strings.NewReader(stdin), &out, &errb)
	return status, out.String(), errb.String()
}

// twoNodeTree has cluster objects that only guests use.
func twoNodeTree(t *testing.T) string {
	return writeTree(t, map[string]string{
		"firewall/cluster.fw":             cleanCluster + "web 10.0.0.80\n[IPSET admins]\n10.0.0.5\n[group webgrp]\nIN ACCEPT -p tcp -dport 80\n",
		"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1\n",
		"nodes/pve2/lxc/200.conf":         "net0: name=eth0,hwaddr=BC:24:11:00:02:00,bridge=vmbr0,firewall=1\n",
		"firewall/100.fw":                 "[OPTIONS]\nenable: 1\n[RULES]\nGROUP webgrp\nIN ACCEPT -dest web -p tcp -dport 443\n",
		"firewall/200.fw":                 "[OPTIONS]\nenable: 1\n[RULES]\nIN ACCEPT -source +admins -p tcp -dport 22\n",
		"nodes/pve1/host.fw":              "[OPTIONS]\nenable: 1\n",
		"nodes/pve2/host.fw":              "[OPTIONS]\nenable: 1\n",
	})
}

func TestLintFileInTree(t *testing.T) {
	dir := twoNodeTree(t)
	if status, stdout, _ := run("lint", filepath.Join(dir, "firewall/cluster.fw")); status != exitOK || stdout != "" {
		t.Errorf("cluster.fw alone: status %d, output (want none: the guests use every object):\n%s", status, stdout)
	}
	// A guest file resolves cluster names and its own guest's NICs.
	status, stdout, _ := runStdin("[RULES]\nIN ACCEPT -dest webb -p tcp -dport 443 -i net1\n",
		"lint", "--stdin-filename", filepath.Join(dir, "firewall/100.fw"), "-")
	if status != exitFindings || !strings.Contains(stdout, `100.fw:2:17: error: no such alias "webb" (did you mean "web"?)`) ||
		!strings.Contains(stdout, `no interface "net1"`) || strings.Contains(stdout, "cluster.fw") {
		t.Errorf("stdin guest file: status %d, output:\n%s", status, stdout)
	}
	// The edited buffer counts, not the file on disk: a cluster.fw from
	// stdin without the alias breaks nothing else but reports nothing
	// outside itself either.
	status, stdout, _ = runStdin(cleanCluster+"[IPSET admins]\n10.0.0.5\n[group webgrp]\nIN ACCEPT -p tcp -dport 80\nunused_x\n",
		"lint", "--stdin-filename", filepath.Join(dir, "firewall/cluster.fw"), "-")
	if status != exitFindings || !strings.Contains(stdout, "cluster.fw:10:1: error") || strings.Contains(stdout, "100.fw") {
		t.Errorf("stdin cluster.fw: status %d, output:\n%s", status, stdout)
	}
	// A temporary name outside any tree (Ansible's validate:) takes the kind flag.
	if status, stdout, _ = runStdin("[RULES]\nIN ACCEPT -p tcp -dport 22\n", "lint", "--kind", "host", "--stdin-filename", "/tmp/ansible.xyz", "-"); status != exitOK {
		t.Errorf("stdin with --kind: status %d, output:\n%s", status, stdout)
	}
	if status, _, _ = run("lint", "-"); status != exitUsage {
		t.Errorf("lint - without --stdin-filename: status %d, want usage", status)
	}
}

func TestLintFailOnAndSeverity(t *testing.T) {
	dir := writeTree(t, map[string]string{"firewall/cluster.fw": cleanCluster + "spare 10.0.0.9\n"})
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{nil, exitOK, "warning: alias \"spare\" is never used [unused-alias]"},
		{[]string{"--fail-on", "warning"}, exitFindings, "warning:"},
		{[]string{"--severity", "unused-alias=error"}, exitFindings, "error: alias \"spare\""},
		{[]string{"--fail-on", "warning", "--severity", "unused-alias=off"}, exitOK, ""},
		{[]string{"--severity", "unused-alias=fatal"}, exitUsage, ""},
		{[]string{"--severity", "no-such-code=error"}, exitUsage, ""},
	} {
		status, stdout, stderr := run(append(append([]string{"lint"}, tc.args...), dir)...)
		if status != tc.status || tc.want != "" && !strings.Contains(stdout, tc.want) || tc.want == "" && stdout != "" {
			t.Errorf("%v: status %d (want %d), stdout %q, stderr %q", tc.args, status, tc.status, stdout, stderr)
		}
	}
}

func TestLintFix(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"firewall/cluster.fw": cleanCluster + "[IPSET Admins]\n10.0.0.5\n[group Web]\nIN ACCEPT -p tcp -dport 80\n" +
			"[RULES]\nIN accept -source +admins -p tcp -dport 22 # keep   this  spacing\nGROUP web\nIN SSH(drop) -dest webb\n",
	})
	path := filepath.Join(dir, "firewall/cluster.fw")
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	status, stdout, _ := run("lint", "--fix", dir)
	data, _ := os.ReadFile(path)
	want := cleanCluster + "[IPSET Admins]\n10.0.0.5\n[group Web]\nIN ACCEPT -p tcp -dport 80\n" +
		"[RULES]\nIN ACCEPT -source +Admins -p tcp -dport 22 # keep   this  spacing\nGROUP Web\nIN SSH(DROP) -dest webb\n"
	if string(data) != want {
		t.Errorf("fixed file:\n%s\nwant:\n%s", data, want)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	// What is left is reported: the alias typo has no certain fix.
	if status != exitFindings || strings.Contains(stdout, "name-case") || !strings.Contains(stdout, `did you mean "local_network"`) && !strings.Contains(stdout, "webb") {
		t.Errorf("after --fix: status %d, output:\n%s", status, stdout)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestLintListJSON(t *testing.T) {
	status, stdout, _ := run("lint", "--list", "--format", "json")
	var doc struct {
		Version int `json:"version"`
		Checks  []struct{ Code, Severity, Doc string }
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || status != exitOK || doc.Version != 1 || len(doc.Checks) < 40 {
		t.Fatalf("status %d, err %v, doc %+v", status, err, doc)
	}
	if c := doc.Checks[0]; c.Code != "syntax" || c.Severity != "error" || c.Doc == "" {
		t.Errorf("first check %+v", c)
	}
}
