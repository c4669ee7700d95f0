package ir

import (
	"net/netip"
	"slices"
)

// span is an inclusive address interval of one family.
type span struct{ lo, hi netip.Addr }

// PrefixSpan returns the first and last address of a prefix.
func PrefixSpan(p netip.Prefix) (lo, hi netip.Addr) {
	p = p.Masked()
	lo = p.Addr()
	b := lo.AsSlice()
	host := b[:]
	bits := p.Bits()
	for i := range host {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				host[i] |= 0x80 >> j
			}
		}
	}
	hi, _ = netip.AddrFromSlice(host)
	return lo, hi
}

// LongestMatch computes the content of an IP set with nomatch entries the way
// the kernel's hash:net type decides: for every address the most specific
// entry containing it wins, and a nomatch entry excludes. The result is the
// minimal sorted list of prefixes covering exactly the matching addresses, so
// one plain interval set replaces the set plus its exceptions.
//
// Prefixes are either nested or disjoint, so one walk in address order with
// a stack of the enclosing prefixes decides every address: O(n log n).
func LongestMatch(entries []SetEntry) []netip.Prefix {
	type node struct {
		lo, hi  netip.Addr
		noMatch bool
	}
	nodes := make([]node, 0, len(entries))
	for _, e := range entries {
		lo, hi := PrefixSpan(e.Prefix)
		nodes = append(nodes, node{lo, hi, e.NoMatch})
	}
	// Enclosing prefixes first; for the same prefix, nomatch first so it is
	// the one kept.
	slices.SortFunc(nodes, func(a, b node) int {
		if c := a.lo.Compare(b.lo); c != 0 {
			return c
		}
		if c := b.hi.Compare(a.hi); c != 0 {
			return c
		}
		switch {
		case a.noMatch == b.noMatch:
			return 0
		case a.noMatch:
			return -1
		}
		return 1
	})
	var out []span
	emit := func(lo, hi netip.Addr, noMatch bool) {
		if noMatch || !lo.IsValid() || hi.Less(lo) {
			return
		}
		if n := len(out); n > 0 && out[n-1].hi.Next() == lo {
			out[n-1].hi = hi
			return
		}
		out = append(out, span{lo, hi})
	}
	var stack []node
	var cursor netip.Addr // first address not yet decided
	// closeTop decides the rest of the innermost open prefix.
	closeTop := func() {
		top := stack[len(stack)-1]
		emit(cursor, top.hi, top.noMatch)
		cursor = top.hi.Next() // invalid past the end of the space: nothing follows
		stack = stack[:len(stack)-1]
	}
	for i, n := range nodes {
		if i > 0 && n.lo == nodes[i-1].lo && n.hi == nodes[i-1].hi {
			continue // same prefix again
		}
		for len(stack) > 0 && stack[len(stack)-1].hi.Less(n.lo) {
			closeTop()
		}
		if len(stack) > 0 {
			emit(cursor, n.lo.Prev(), stack[len(stack)-1].noMatch)
		}
		cursor = n.lo
		stack = append(stack, n)
	}
	for len(stack) > 0 {
		closeTop()
	}
	var prefixes []netip.Prefix
	for _, s := range out {
		prefixes = append(prefixes, SpanPrefixes(s.lo, s.hi)...)
	}
	return prefixes
}

// SetEntry is one address entry of an IP set, for LongestMatch.
type SetEntry struct {
	Prefix  netip.Prefix
	NoMatch bool
}

// MergePrefixes returns the minimal sorted prefix list covering the union of
// ps. All prefixes must be of one family.
func MergePrefixes(ps []netip.Prefix) []netip.Prefix {
	es := make([]SetEntry, len(ps))
	for i, p := range ps {
		es[i] = SetEntry{Prefix: p}
	}
	return LongestMatch(es)
}

// SpanPrefixes splits the inclusive range lo..hi into the fewest prefixes.
func SpanPrefixes(lo, hi netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for {
		bits := lo.BitLen()
		// Grow the prefix while it stays aligned at lo and inside hi.
		for bits > 0 {
			p := netip.PrefixFrom(lo, bits-1)
			plo, phi := PrefixSpan(p)
			if plo != lo || hi.Less(phi) {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(lo, bits)
		out = append(out, p)
		_, phi := PrefixSpan(p)
		if phi == hi || !phi.Next().IsValid() {
			return out
		}
		lo = phi.Next()
	}
}
