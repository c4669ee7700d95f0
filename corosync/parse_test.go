package corosync

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/ir"
)

const pveConf = `logging {
  debug: off
  to_syslog: yes
}

nodelist {
  node {
    name: pve1
    nodeid: 1
    quorum_votes: 1
    ring0_addr: 192.168.10.1
  }
  node {
    name: pve2
    nodeid: 2
    ring0_addr: 192.168.10.2
    ring1_addr: fd00::2
  }
}

totem {
  cluster_name: lab
  # knet is the default
  transport: knet
  interface {
    linknumber: 0
  }
}
`

func TestParsePVEConf(t *testing.T) {
	root, diags := Parse("corosync.conf", []byte(pveConf))
	if len(diags) != 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	var names []string
	for _, s := range root.Sections {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"logging", "nodelist", "totem"}, names); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	nodes := root.Sub("nodelist")[0].Sub("node")
	if len(nodes) != 2 {
		t.Fatalf("got %d nodes, want 2", len(nodes))
	}
	k := nodes[1].Get("ring1_addr")
	want := Key{
		Pos:      ir.Pos{Filename: "corosync.conf", Offset: 216, Line: 17, Column: 5},
		ValuePos: ir.Pos{Filename: "corosync.conf", Offset: 228, Line: 17, Column: 17},
		Name:     "ring1_addr", Value: "fd00::2",
	}
	if diff := cmp.Diff(&want, k); diff != "" {
		t.Errorf("ring1_addr (-want +got):\n%s", diff)
	}
	if got := pveConf[k.ValuePos.Offset:][:len(k.Value)]; got != k.Value {
		t.Errorf("value offset points at %q", got)
	}
	if tr := root.Sub("totem")[0].Get("transport"); tr == nil || tr.Value != "knet" {
		t.Errorf("totem transport = %+v", tr)
	}
}

func TestParseErrors(t *testing.T) {
	src := "totem {\n  transport knet\n}\n}\nbad name {\nnodelist {\n"
	_, diags := Parse("c.conf", []byte(src))
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{
		`c.conf:2:3: error: cannot read "transport knet" (want ` + "`key: value`, `name {` or `}`" + `) [corosync-syntax]`,
		`c.conf:4:1: error: '}' without an open section [corosync-syntax]`,
		`c.conf:5:1: error: bad section header "bad name {" (want ` + "`name {`" + `) [corosync-syntax]`,
		`c.conf:5:1: error: section "bad name" is not closed [corosync-syntax]`,
		`c.conf:6:1: error: section "nodelist" is not closed [corosync-syntax]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// FuzzParse: nothing panics, and every diagnostic and key points into the
// input at the line and offset it names.
func FuzzParse(f *testing.F) {
	f.Add([]byte(pveConf))
	f.Add([]byte("a {\n b: c\n}\n}\n{\n:x\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		root, diags := Parse("c.conf", src)
		lines := strings.Count(string(src), "\n") + 1
		check := func(p ir.Pos) {
			if p.Line < 1 || p.Line > lines || p.Offset < 0 || p.Offset > len(src) || p.Column < 1 {
				t.Fatalf("position %+v outside the input (%d lines, %d bytes)", p, lines, len(src))
			}
		}
		for _, d := range diags {
			check(d.Pos)
		}
		var walk func(s *Section)
		walk = func(s *Section) {
			for _, k := range s.Keys {
				check(k.Pos)
				check(k.ValuePos)
				if !strings.HasPrefix(string(src[k.Pos.Offset:]), k.Name) {
					t.Fatalf("key %q not at offset %d", k.Name, k.Pos.Offset)
				}
				if !strings.HasPrefix(string(src[k.ValuePos.Offset:]), k.Value) {
					t.Fatalf("value %q not at offset %d", k.Value, k.ValuePos.Offset)
				}
			}
			for _, c := range s.Sections {
				check(c.Pos)
				walk(c)
			}
		}
		walk(root)
	})
}
