// Package nftcheck loads nft scripts into the real kernel for tests: `nft -c`
// (or a real load) in a fresh network namespace, so a test never touches the
// host's ruleset. Kernels built without some bridge features (this
// machine's lacks bridge conntrack and bridge reject) still get the bridge
// table checked, with just those expressions swapped for loadable ones of
// the same shape; the full script then runs in the lab's Debian-kernel VM.
package nftcheck

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Need skips the test when nft cannot be run (not root, no nft or
// unshare), saying why; under CI that is a failure instead.
func Need(t testing.TB) {
	t.Helper()
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "not root"
	case !onPath("nft"):
		why = "nft is not installed"
	case !onPath("unshare"):
		why = "unshare is not installed"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("kernel check impossible under CI: %s", why)
	}
	t.Skipf("skipping kernel check: %s", why)
}

func onPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// InNamespace runs a shell script in a new network namespace with the nft
// script's path as $1, and returns its combined output.
func InNamespace(t testing.TB, sh string, script []byte) (string, error) {
	t.Helper()
	out, err := inNamespace(t.TempDir(), sh, script)
	if errors.Is(err, errWrite) {
		t.Fatal(err)
	}
	return out, err
}

// errWrite marks inNamespace's failure to write the script.
var errWrite = errors.New("writing the nft script")

// inNamespace is InNamespace with the script written into dir.
func inNamespace(dir, sh string, script []byte) (string, error) {
	path := filepath.Join(dir, "fwc.nft")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		return "", fmt.Errorf("%w: %w", errWrite, err)
	}
	out, err := exec.Command("unshare", "-n", "sh", "-c", sh, "sh", path).CombinedOutput()
	return string(out), err
}

// Check fails the test when the kernel refuses script (nft -c). The part
// from the bridge table's definition on gets the feature substitution when
// the kernel lacks bridge features.
func Check(t testing.TB, what string, script []byte) {
	t.Helper()
	text := SubstituteBridge(string(script), Missing(t))
	if out, err := InNamespace(t, `nft -c -f "$1"`, []byte(text)); err != nil {
		t.Errorf("nft -c refused %s: %v\n%s\nscript:\n%s", what, err, out, Numbered([]byte(text)))
	}
}

// Numbered prefixes every line with its number, to match nft's messages.
func Numbered(b []byte) string {
	var s strings.Builder
	for i, l := range strings.Split(string(b), "\n") {
		fmt.Fprintf(&s, "%4d  %s\n", i+1, l)
	}
	return s.String()
}

// Feature is a kernel feature the bridge table needs that some kernels
// are built without.
type Feature struct {
	Name    string
	probe   string
	pattern *regexp.Regexp
	repl    string
}

// Substitute replaces the feature's expressions in s with loadable ones.
func (f Feature) Substitute(s string) string { return f.pattern.ReplaceAllString(s, f.repl) }

// String names the feature and its substitution, for test logs.
func (f Feature) String() string {
	return fmt.Sprintf("%s (checked with %q replaced by %q)", f.Name, f.pattern, f.repl)
}

var features = []Feature{
	{"bridge conntrack (nf_conntrack_bridge)", "ct state established accept",
		regexp.MustCompile(`ct state [a-z,]+`), "meta mark 0x1"},
	{"bridge reject (nft_reject_bridge)", "meta l4proto tcp reject with tcp reset",
		regexp.MustCompile(`reject with (tcp reset|icmpx port-unreachable|icmp host-prohibited|icmpv6 admin-prohibited)`), "drop"},
	{"bridge meta (nft_meta_bridge)", `meta ibrname "br0" accept`,
		regexp.MustCompile(`meta ibrname`), "iifname"},
}

// SubstituteBridge replaces the expressions of the missing features in
// the part of an fwc script from the bridge table's definition on, so
// a kernel without them can load the script's whole shape.
func SubstituteBridge(script string, missing []Feature) string {
	const def = "\ntable bridge fwc {\n"
	i := strings.Index(script, def)
	if i < 0 || len(missing) == 0 {
		return script
	}
	bridge := script[i:]
	for _, f := range missing {
		bridge = f.Substitute(bridge)
	}
	return script[:i] + bridge
}

var (
	probeOnce sync.Once
	missing   []Feature
	probeErr  error
)

// Missing probes the kernel once for the bridge features and returns the
// ones it lacks.
func Missing(t testing.TB) []Feature {
	t.Helper()
	miss, err := Probe()
	if err != nil {
		t.Fatal(err)
	}
	return miss
}

// Probe is Missing outside tests: it probes once, with `nft -c` in fresh
// network namespaces (root, nft and unshare needed).
func Probe() ([]Feature, error) {
	probeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nftcheck-")
		if err != nil {
			probeErr = err
			return
		}
		defer os.RemoveAll(dir)
		for _, f := range features {
			probe := "table bridge fwc-probe {\n\tchain p {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\t" + f.probe + "\n\t}\n}\n"
			if _, err := inNamespace(dir, `nft -c -f "$1"`, []byte(probe)); errors.Is(err, errWrite) {
				probeErr = err
				return
			} else if err != nil {
				missing = append(missing, f)
			}
		}
	})
	return missing, probeErr
}
