package eval

import (
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strings"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
)

// outcome is whether a rule's conditions hold.
type outcome int

const (
	no        outcome = iota
	yes               // every condition holds
	aboveRate         // every condition holds but a meter's, which would above its rate
)

// matches evaluates the conditions in order, as nft does: the first that
// fails ends the rule.
func matches(t *plan.Table, cs []plan.Cond, p *Packet) outcome {
	out := yes
	for _, c := range cs {
		if m, ok := c.(plan.SourceRate); ok {
			if !meterApplies(m, p) {
				return no
			}
			out = aboveRate
			continue
		}
		if !holds(t, c, p) {
			return no
		}
	}
	return out
}

// meterApplies reports whether a meter counts p at all: a packet of its
// family.
func meterApplies(m plan.SourceRate, p *Packet) bool { return isIP(p, m.V6) }

// holds evaluates one condition. Like nft's payload expressions, a match
// on a header the packet does not have (a port of ICMP, an IPv4 address of
// IPv6, TCP flags of UDP) fails, negated or not.
func holds(t *plan.Table, c plan.Cond, p *Packet) bool {
	switch c := c.(type) {
	case plan.Protocol:
		return (p.Ether == 0 && p.Proto == c.Proto) != c.Not
	case plan.Iface:
		if c.Side == plan.Src {
			return p.IIF == c.Name
		}
		return p.OIF == c.Name
	case plan.L4:
		return isAnyIP(p) && slices.Contains(c.Protos, p.L4)
	case plan.Port:
		return portHolds(p, c.Proto) && inPorts(c.Ranges, side(c.Side, p.SPort, p.DPort))
	case plan.PortInSet:
		return portHolds(p, c.Proto) && inPorts(set(t, c.Set).Ports, side(c.Side, p.SPort, p.DPort))
	case plan.ICMP:
		if !isICMP(p, c.V6) {
			return false
		}
		return slices.ContainsFunc(c.Types, func(t ir.ICMPType) bool {
			return t.Type == p.ICMPType && (!t.HasCode || t.Code == p.ICMPCode)
		})
	case plan.ICMPRange:
		return isICMP(p, c.V6) && c.Lo <= p.ICMPType && p.ICMPType <= c.Hi
	case plan.Addr:
		if !isIP(p, c.V6) {
			return false
		}
		a := side(c.Side, p.Src, p.Dst)
		return slices.ContainsFunc(c.Prefixes, func(pf netip.Prefix) bool { return pf.Contains(a) }) ||
			slices.ContainsFunc(c.Ranges, func(r ir.AddrRange) bool { return r.From.Compare(a) <= 0 && a.Compare(r.To) <= 0 })
	case plan.AddrInSet:
		if !isIP(p, c.V6) {
			return false
		}
		return inAddrSet(t, c.Set, side(c.Side, p.Src, p.Dst)) != c.Not
	case plan.AddrType:
		if !isAnyIP(p) {
			return false
		}
		rt := side(c.Side, p.SrcRoute, p.DstRoute)
		return slices.ContainsFunc(c.Types, func(t plan.RouteType) bool { return slices.Contains(rt, t) })
	case plan.PktType:
		return slices.ContainsFunc(c.Types, func(l plan.LinkType) bool { return linkTypes[l] == p.PktType })
	case plan.CtState:
		return !p.Untracked && slices.Contains(c.States, p.Ct)
	case plan.TCPFlags:
		if !isAnyIP(p) || p.L4 != protoTCP {
			return false
		}
		return (p.Flags&c.Mask == c.Value) != c.Not
	case plan.EtherAddr:
		return (side(c.Side, p.SrcMAC, p.DstMAC) == c.MAC) != c.Not
	case plan.ARPSenderMAC:
		return isARP(p) && (p.ARPSenderMAC == c.MAC) != c.Not
	case plan.ARPSenderInSet:
		return isARP(p) && inAddrSet(t, c.Set, p.Src) != c.Not
	case plan.EtherType:
		return slices.Contains(c.Types, outerType(p)) != c.Not
	case plan.VLANType:
		return outerType(p) == plan.EtherVLAN && slices.Contains(c.Types, innerType(p))
	case plan.VLANID:
		if outerType(p) != plan.EtherVLAN {
			return false
		}
		vid := int(p.Tags[0].VID)
		return slices.ContainsFunc(c.Ranges, func(r ir.VLANRange) bool { return r.Lo <= vid && vid <= r.Hi }) != c.Not
	case plan.InnerProtocol:
		return slices.Contains(c.Types, innerType(p)) != c.Not
	case plan.IP6NextHdr:
		return isIP(p, true) && (p.L4 == c.Proto) != c.Not // no extension headers are modelled
	case plan.IP6Length:
		n := len(p.Transport)
		return isIP(p, true) && int(c.Lo) <= n && n <= int(c.Hi)
	case plan.Transport:
		return transportHolds(c, p)
	case plan.Mark:
		return p.Mark&c.Mask == c.Value
	case plan.InSet:
		return inTupleSet(t, c.Set, keys(c.Keys, p))
	case plan.SourceRate:
		return false // below the rate (matches handles meters)
	}
	panic(fmt.Sprintf("eval: unknown condition %T", c))
}

const (
	protoICMP   = 1
	protoTCP    = 6
	protoICMPv6 = 58
)

func side[T any](s plan.Side, src, dst T) T {
	if s == plan.Src {
		return src
	}
	return dst
}

func isAnyIP(p *Packet) bool { return p.Ether == 0 && (p.Proto == plan.IPv4 || p.Proto == plan.IPv6) }

func isARP(p *Packet) bool { return p.Ether == 0 && p.Proto == plan.ARP }

// isIP reports whether p is IPv6 (v6) or IPv4.
func isIP(p *Packet, v6 bool) bool {
	if p.Ether != 0 {
		return false
	}
	if v6 {
		return p.Proto == plan.IPv6
	}
	return p.Proto == plan.IPv4
}

// ethertype is the protocol of the frame inside all its tags.
func ethertype(p *Packet) uint16 {
	switch {
	case p.Ether != 0:
		return p.Ether
	case p.Proto == plan.IPv6:
		return plan.EtherIPv6
	case p.Proto == plan.ARP:
		return plan.EtherARP
	}
	return plan.EtherIPv4
}

// tpid is the type field that announces tag t.
func tpid(t Tag) uint16 {
	if t.S {
		return plan.EtherQinQ
	}
	return plan.EtherVLAN
}

// outerType is the Ethernet header's type field: the first tag's TPID on
// a tagged frame.
func outerType(p *Packet) uint16 {
	if len(p.Tags) > 0 {
		return tpid(p.Tags[0])
	}
	return ethertype(p)
}

// innerType is the protocol after the outermost tag, which the kernel
// strips before the bridge (nft's meta protocol, and vlan type).
func innerType(p *Packet) uint16 {
	if len(p.Tags) > 1 {
		return tpid(p.Tags[1])
	}
	return ethertype(p)
}

// transportHolds reads c.Bits bits at bit c.Offset of the transport bytes
// as a number and compares it with c's values; beyond the end it fails.
func transportHolds(c plan.Transport, p *Packet) bool {
	if !isAnyIP(p) || (c.Offset+c.Bits+7)/8 > len(p.Transport) {
		return false
	}
	v := new(big.Int).SetBytes(p.Transport)
	v.Rsh(v, uint(8*len(p.Transport)-c.Offset-c.Bits))
	v.And(v, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(c.Bits)), big.NewInt(1)))
	in := slices.ContainsFunc(c.Values, func(s string) bool {
		lo, hi, isRange := strings.Cut(s, "-")
		if !isRange {
			hi = lo
		}
		l, _ := new(big.Int).SetString(strings.TrimPrefix(lo, "0x"), 16)
		h, _ := new(big.Int).SetString(strings.TrimPrefix(hi, "0x"), 16)
		return l.Cmp(v) <= 0 && v.Cmp(h) <= 0
	})
	return in != c.Not
}

func isICMP(p *Packet, v6 bool) bool {
	if v6 {
		return p.Proto == plan.IPv6 && p.L4 == protoICMPv6
	}
	return p.Proto == plan.IPv4 && p.L4 == protoICMP
}

// portHolds reports whether p has ports, of the protocol proto unless it
// is 0 (nft's th: whichever the rule's L4 condition selects).
func portHolds(p *Packet, proto uint8) bool {
	return hasPorts(p) && (proto == 0 || proto == p.L4)
}

// hasPorts reports whether p is IP with a transport protocol that has
// ports.
func hasPorts(p *Packet) bool { return isAnyIP(p) && HasPorts(p.L4) }

// HasPorts reports whether the transport protocol l4 has the ports where
// nft's th expressions read them.
func HasPorts(l4 uint8) bool {
	switch l4 {
	case 6, 17, 33, 132, 136: // tcp, udp, dccp, sctp, udplite
		return true
	}
	return false
}

func inPorts(rs []ir.PortRange, port uint16) bool {
	return slices.ContainsFunc(rs, func(r ir.PortRange) bool { return r.Lo <= port && port <= r.Hi })
}

// inAddrSet looks a up in the address set name of t.
func inAddrSet(t *plan.Table, name string, a netip.Addr) bool {
	s := set(t, name)
	return slices.ContainsFunc(s.Prefixes, func(pf netip.Prefix) bool { return pf.Contains(a) })
}

// inTupleSet looks the key up in the set name of t.
func inTupleSet(t *plan.Table, name string, key []string) bool {
	return slices.ContainsFunc(set(t, name).Tuples, func(tu []string) bool { return slices.Equal(tu, key) })
}

func set(t *plan.Table, name string) *plan.Set {
	s := t.Set(name)
	if s == nil {
		panic("eval: no set " + name)
	}
	return s
}
