package diff

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/netdb"
)

// Sort orders classes for a report: by endpoints, family, protocol,
// state, then the fields' ranges.
func Sort(cs []Class) {
	slices.SortStableFunc(cs, func(a, b Class) int {
		ka := fmt.Sprintf("%s>%s %d %03d %d %s %05d %05d %03d %03d", a.From, a.To, a.Family, a.Proto, a.State, sortable(first(a.Remote)), a.DPort.Lo, a.SPort.Lo, a.ICMPType.Lo, a.ICMPCode.Lo)
		kb := fmt.Sprintf("%s>%s %d %03d %d %s %05d %05d %03d %03d", b.From, b.To, b.Family, b.Proto, b.State, sortable(first(b.Remote)), b.DPort.Lo, b.SPort.Lo, b.ICMPType.Lo, b.ICMPCode.Lo)
		return strings.Compare(ka, kb)
	})
}

// ProtoName is the class's protocol as rules write it (icmpv6 for 58).
func (cl Class) ProtoName() string {
	if cl.Proto == 58 {
		return "icmpv6"
	}
	return netdb.ProtocolName(cl.Proto)
}

// RemoteSide is "src" when the remote address is the source, "dst" when
// it is the destination, "" when no endpoint is outside.
func (cl Class) RemoteSide() string {
	switch {
	case len(cl.Remote) == 0:
		return ""
	case cl.From.Kind == explain.Outside:
		return "src"
	}
	return "dst"
}

// Fields spells the class's packets in a few words: protocol, ports or
// ICMP type and code (where not all), state and the remote addresses.
func (cl Class) Fields() string {
	w := []string{fmt.Sprintf("ipv%d", cl.Family), cl.ProtoName()}
	if cl.hasPorts() {
		w = append(w, spell("dport", cl.DPort, 65535), spell("sport", cl.SPort, 65535))
	}
	if cl.isICMP() {
		w = append(w, spell("type", cl.ICMPType, 255), spell("code", cl.ICMPCode, 255))
	}
	w = append(w, cl.State.String())
	if s := cl.RemoteSide(); s != "" {
		w = append(w, s+" "+cl.RemoteText())
	}
	return strings.Join(slices.DeleteFunc(w, func(s string) bool { return s == "" }), " ")
}

func spell(name string, r Range, max int) string {
	switch {
	case r.Lo == 0 && r.Hi == max:
		return ""
	case r.Lo == r.Hi:
		return fmt.Sprintf("%s %d", name, r.Lo)
	}
	return fmt.Sprintf("%s %d-%d", name, r.Lo, r.Hi)
}

func first(rs []AddrRange) netip.Addr {
	if len(rs) == 0 {
		return netip.Addr{}
	}
	return rs[0].From
}

// RemoteText spells the remote ranges as CIDRs, or as "any except" the
// CIDRs they leave out of the family when that is shorter.
func (cl Class) RemoteText() string {
	in := RemoteCIDRs(cl.Remote)
	out := RemoteCIDRs(complement(cl.Family, cl.Remote))
	switch {
	case len(out) == 0:
		return "any"
	case len(out) < len(in):
		return "any except " + strings.Join(out, ",")
	}
	return strings.Join(in, ",")
}

// RemoteCIDRs spells ranges as CIDRs.
func RemoteCIDRs(rs []AddrRange) []string {
	var out []string
	for _, r := range rs {
		out = append(out, CIDRs(r)...)
	}
	return out
}

// complement are the addresses of the family not in rs (sorted, apart).
func complement(fam int, rs []AddrRange) []AddrRange {
	a := netip.IPv4Unspecified()
	if fam == 6 {
		a = netip.IPv6Unspecified()
	}
	var out []AddrRange
	for _, r := range rs {
		if a.IsValid() && a.Less(r.From) {
			out = append(out, AddrRange{a, r.From.Prev()})
		}
		a = r.To.Next()
	}
	if a.IsValid() {
		out = append(out, AddrRange{a, lastAddr(fam)})
	}
	return out
}

// CIDRs spells an address range as the fewest prefixes that cover it
// exactly; "any" for the whole family.
func CIDRs(r AddrRange) []string {
	var out []string
	for a := r.From; ; {
		bits := a.BitLen()
		// The shortest prefix that starts at a and stays within r.
		for bits > 0 {
			p := netip.PrefixFrom(a, bits-1)
			if p.Masked().Addr() != a || lastOf(p).Compare(r.To) > 0 {
				break
			}
			bits--
		}
		p := netip.PrefixFrom(a, bits)
		if bits == 0 {
			return []string{"any"}
		}
		out = append(out, p.String())
		next := lastOf(p).Next()
		if !next.IsValid() || next.Compare(r.To) > 0 {
			return out
		}
		a = next
	}
}
