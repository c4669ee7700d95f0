package lab

import (
	"regexp"
	"strings"
)

// block is a set, map or chain of a listed table.
type block struct {
	kind, name string
	hook       string // base chains only
	lines      []string
}

// table is one table of a `nft list ruleset` listing.
type table struct {
	header string // "table inet fwc {"
	family string
	blocks []block
}

var (
	blockStart = regexp.MustCompile(`^\t(set|map|chain|flowtable|ct \w+) (\S+) \{$`)
	hookRe     = regexp.MustCompile(`\btype \w+ hook (\w+)`)
	refRe      = regexp.MustCompile(`\b(?:jump|goto) ([^\s;,}]+)|@([^\s;,}]+)`)
)

// parseListing splits a listing into tables and their blocks.
func parseListing(listing string) []table {
	var tables []table
	var cur *block
	for _, line := range strings.Split(listing, "\n") {
		switch {
		case strings.HasPrefix(line, "table "):
			f := strings.Fields(line)
			tables = append(tables, table{header: line, family: f[1]})
		case len(tables) == 0:
		case cur == nil:
			if m := blockStart.FindStringSubmatch(line); m != nil {
				tb := &tables[len(tables)-1]
				tb.blocks = append(tb.blocks, block{kind: m[1], name: m[2], lines: []string{line}})
				cur = &tb.blocks[len(tb.blocks)-1]
			}
		default:
			cur.lines = append(cur.lines, line)
			if m := hookRe.FindStringSubmatch(line); m != nil && cur.kind == "chain" {
				cur.hook = m[1]
			}
			if line == "\t}" {
				cur = nil
			}
		}
	}
	return tables
}

// Relevant cuts a `nft list ruleset` listing down to what the probes may
// cross: in inet, ip and ip6 tables the base chains of the hooks on
// their path (input towards the host, output from it, forward between
// other namespaces, pre- and postrouting always), in bridge tables every
// base chain when a guest is on a side, arp tables for ARP probes; and
// the chains, sets and maps those reach through jumps, gotos and @names.
func Relevant(listing string, probes []Probe) string {
	hooks := map[string]bool{"prerouting": true, "postrouting": true}
	fams := map[string]bool{"inet": true, "ip": true, "ip6": true}
	for _, p := range probes {
		switch {
		case p.Dst.Kind == Host:
			hooks["input"] = true
		case p.Src.Kind == Host:
			hooks["output"] = true
		default:
			hooks["forward"] = true
		}
		if p.Src.Kind != Host && p.Dst.Kind != Host {
			fams["bridge"], fams["netdev"] = true, true
		}
		if p.Src.Kind == GuestEnd || p.Dst.Kind == GuestEnd {
			fams["bridge"], fams["netdev"] = true, true
		}
		if p.Frame == ARP {
			fams["arp"] = true
		}
	}
	var out []string
	for _, t := range parseListing(listing) {
		if !fams[t.family] {
			continue
		}
		keep := map[string]bool{}
		var walk func(name string)
		byName := map[string]*block{}
		for i := range t.blocks {
			byName[t.blocks[i].name] = &t.blocks[i]
		}
		walk = func(name string) {
			b, ok := byName[name]
			if !ok || keep[name] {
				return
			}
			keep[name] = true
			for _, l := range b.lines[1:] {
				for _, m := range refRe.FindAllStringSubmatch(l, -1) {
					walk(m[1] + m[2])
				}
			}
		}
		for _, b := range t.blocks {
			if b.hook != "" && (t.family == "bridge" || t.family == "netdev" || t.family == "arp" || hooks[b.hook]) {
				walk(b.name)
			}
		}
		if len(keep) == 0 {
			continue
		}
		out = append(out, t.header)
		first := true
		for _, b := range t.blocks {
			if keep[b.name] {
				if !first {
					out = append(out, "")
				}
				first = false
				out = append(out, b.lines...)
			}
		}
		out = append(out, "}")
	}
	return strings.Join(out, "\n")
}
