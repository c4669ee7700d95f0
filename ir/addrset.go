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
func LongestMatch(entries []SetEntry) []netip.Prefix {
	sorted := slices.Clone(entries)
	// Least specific first, so more specific entries override; at equal
	// length nomatch goes last and wins.
	slices.SortStableFunc(sorted, func(a, b SetEntry) int {
		if a.Prefix.Bits() != b.Prefix.Bits() {
			return a.Prefix.Bits() - b.Prefix.Bits()
		}
		switch {
		case a.NoMatch == b.NoMatch:
			return 0
		case a.NoMatch:
			return 1
		}
		return -1
	})
	var spans []span
	for _, e := range sorted {
		lo, hi := PrefixSpan(e.Prefix)
		if e.NoMatch {
			spans = subtractSpan(spans, span{lo, hi})
		} else {
			spans = addSpan(spans, span{lo, hi})
		}
	}
	var out []netip.Prefix
	for _, s := range spans {
		out = append(out, SpanPrefixes(s.lo, s.hi)...)
	}
	return out
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

// addSpan inserts s into the sorted, disjoint, non-adjacent list spans.
func addSpan(spans []span, s span) []span {
	var out []span
	for _, t := range spans {
		switch {
		case t.hi.Next().IsValid() && t.hi.Next().Less(s.lo):
			out = append(out, t)
		case s.hi.Next().IsValid() && s.hi.Next().Less(t.lo):
			out = append(out, s)
			s = t
		default:
			s = span{minAddr(s.lo, t.lo), maxAddr(s.hi, t.hi)}
		}
	}
	return append(out, s)
}

// subtractSpan removes s from the sorted disjoint list spans.
func subtractSpan(spans []span, s span) []span {
	var out []span
	for _, t := range spans {
		if t.hi.Less(s.lo) || s.hi.Less(t.lo) {
			out = append(out, t)
			continue
		}
		if t.lo.Less(s.lo) {
			out = append(out, span{t.lo, s.lo.Prev()})
		}
		if s.hi.Less(t.hi) {
			out = append(out, span{s.hi.Next(), t.hi})
		}
	}
	return out
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

func minAddr(a, b netip.Addr) netip.Addr {
	if b.Less(a) {
		return b
	}
	return a
}

func maxAddr(a, b netip.Addr) netip.Addr {
	if a.Less(b) {
		return b
	}
	return a
}
