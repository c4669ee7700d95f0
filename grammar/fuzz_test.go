package grammar

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"golang.org/x/tools/txtar"
)

// fuzzSeeds are small realistic files of each kind.
var fuzzSeeds = []string{
	`[OPTIONS]
enable: 1
policy_in: DROP
log_ratelimit: enable=1,rate=1/second,burst=5

[ALIASES]
local_network 192.168.1.0/24 # lan
v6net fd00::/64

[IPSET management] # admins
192.168.1.10
!192.168.1.11
dc/v6net

[RULES]
IN SSH(ACCEPT) -source +management -log info
|IN ACCEPT -p tcp -dport 8006,5900:5999 # gui
GROUP web -i vmbr0

[group web] # web servers
IN ACCEPT -p tcp -dport 80,443
OUT DROP -dest 10.0.0.0/8
`,
	"[OPTIONS]\r\nenable:1\r\nnftables: 1\r\n[RULES]\r\nIN ACCEPT -i vmbr0:1 -p icmp -icmp-type echo-request\r\n",
	"[OPTIONS]\nenable: 1\nmacfilter: 0\n[IPSET ipfilter-net0]\n10.0.0.5\n[RULES]\nIN HTTP(ACCEPT) -i net0\nOUT ACCEPT --proto udp --dport 53\n",
	"[OPTIONS]\nenable: 1\npolicy_forward: DROP\n[RULES]\nFORWARD ACCEPT -source 10.0.0.0/24 -dest 10.0.1.0/24\n",
	"IN ACCEPT\n[FOO]\n[IPSET]\n[RULES]\nIN\n| |IN ACCEPT -p\n",
}

// FuzzParse checks that no input panics, that every diagnostic points
// into the input, and that a Parser that has seen the input before (every
// line remembered) parses it as a fresh one does.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range testdataFiles(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Split(src, "\n")
		for _, kind := range []Kind{Cluster, Host, Guest, VNet} {
			ps := NewParser()
			f, diags := ps.Parse("f.fw", kind, []byte(src))
			again, againDiags := ps.Parse("f.fw", kind, []byte(src))
			if diff := cmp.Diff(f, again); diff != "" {
				t.Fatalf("%s: remembered lines parse differently (-fresh +remembered):\n%s", kind, diff)
			}
			if diff := cmp.Diff(diags, againDiags); diff != "" {
				t.Fatalf("%s: remembered lines diagnose differently (-fresh +remembered):\n%s", kind, diff)
			}
			for _, d := range diags {
				p := d.Pos
				if p.Filename != "f.fw" || p.Line < 1 || p.Line > len(lines) || p.Offset < 0 || p.Offset > len(src) ||
					p.Column < 1 || p.Column > utf8.RuneCountInString(lines[p.Line-1])+1 {
					t.Fatalf("%s: diagnostic %q outside the input (%d lines, %d bytes)", kind, d, len(lines), len(src))
				}
			}
		}
	})
}

// testdataFiles returns every .fw file under ../testdata and every .fw
// section of the golden txtar cases.
func testdataFiles(f *testing.F) []string {
	var out []string
	err := filepath.WalkDir(filepath.Join("..", "testdata"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(path, ".fw"):
			out = append(out, string(data))
		case strings.HasSuffix(path, ".txtar"):
			for _, file := range txtar.Parse(data).Files {
				if strings.HasSuffix(file.Name, ".fw") {
					out = append(out, string(bytes.Clone(file.Data)))
				}
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		f.Fatal(err)
	}
	return out
}
