package iptables

import (
	"bytes"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// ipsets is the "ipset restore" input: one hash:net set per IR set and
// family, both families always (a rule of either family may use the set),
// then the literal sets. Each set is filled as <name>_swap and swapped in,
// so a running ruleset never sees a half-filled set. The file expects the
// sets themselves to exist; apply.sh creates missing ones first, because
// "create -exist" fails on a set whose hash has since grown.
func ipsets(sets []ir.Set, lits *literals) []byte {
	var b bytes.Buffer
	for _, s := range sets {
		writeSet(&b, setName(s.Name, false), false, s.V4)
		writeSet(&b, setName(s.Name, true), true, s.V6)
	}
	for _, l := range lits.sets {
		writeSet(&b, l.name, l.v6, l.ps)
	}
	return b.Bytes()
}

func writeSet(b *bytes.Buffer, name string, v6 bool, ps []netip.Prefix) {
	family := "inet"
	if v6 {
		family = "inet6"
	}
	entries := setEntries(ps)
	maxelem := 65536
	for maxelem < len(entries) {
		maxelem *= 2
	}
	swap := name + "_swap"
	b.WriteString("create " + swap + " hash:net family " + family + " hashsize 64 maxelem " + itoa(maxelem) + "\n")
	for _, p := range entries {
		b.WriteString("add " + swap + " " + p + "\n")
	}
	b.WriteString("swap " + name + " " + swap + "\n")
	b.WriteString("destroy " + swap + "\n")
}

// setEntries spells the members: host prefixes as plain addresses, and a
// default route as its two halves, because hash:net takes no /0.
func setEntries(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		switch {
		case p.Bits() == 0:
			lo := netip.PrefixFrom(p.Addr(), 1)
			out = append(out, lo.String(), netip.PrefixFrom(lastAddr(p), 1).Masked().String())
		case p.IsSingleIP():
			out = append(out, p.Addr().String())
		default:
			out = append(out, p.String())
		}
	}
	return out
}
