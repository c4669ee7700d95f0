package explain

import (
	"net"
	"net/netip"
	"slices"

	"github.com/fwc-project/fwc/internal/addrplan"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/plan"
)

// Network describes what the IR does not know about the node: where the
// uplink is. Addresses the configuration does not give follow the kernel
// lab's plan (package internal/addrplan), so a lab probe and an explain
// question about the same endpoints name the same packet; a NIC without
// static addresses but with an ipfilter set takes the set's first address
// of each family instead.
type Network struct {
	// Uplink is the bridge the host's uplink is a port of; "" means a
	// routed uplink, interface eth0.
	Uplink string
}

// routedUplink is the host's interface name for a routed uplink.
const routedUplink = "eth0"

// segment is one L2 segment of the host: a bridge or the routed uplink.
type segment struct {
	name  string // bridge or interface name, as iifname/oifname see it
	mac   net.HardwareAddr
	host  []netip.Prefix // the host's addresses on it
	guest bool           // a bridge guests are plugged into
}

// port is one guest NIC with its planned addresses.
type port struct {
	g     *ir.Guest
	n     *ir.NIC
	mac   net.HardwareAddr
	addrs []netip.Prefix
}

// topology is the node as explain sees it.
type topology struct {
	segs    map[string]*segment
	ports   []port // sorted by VMID and index
	uplink  *segment
	outside []netip.Prefix // outside's addresses
	outMAC  net.HardwareAddr
}

// plan lays out rs's guests as the lab does.
func (nw Network) plan(rs *ir.Ruleset) (*topology, error) {
	names := map[string]bool{}
	for _, g := range rs.Guests {
		for _, n := range g.NICs {
			if n.Bridge != "" {
				names[n.Bridge] = true
			}
		}
	}
	if nw.Uplink != "" {
		names[nw.Uplink] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	nums, err := addrplan.BridgeNumbers(sorted)
	if err != nil {
		return nil, err
	}
	top := &topology{segs: map[string]*segment{}}
	for n, num := range nums {
		top.segs[n] = &segment{
			name:  n,
			mac:   addrplan.BridgeMAC(num),
			host:  []netip.Prefix{addrplan.V4(num, addrplan.HostHost), addrplan.V6(num, addrplan.HostHost)},
			guest: true,
		}
	}
	taken := map[netip.Addr]bool{}
	for _, g := range rs.Guests {
		for _, n := range g.NICs {
			for _, a := range n.Addrs {
				taken[a.Addr()] = true
			}
		}
	}
	for gi := range rs.Guests {
		g := &rs.Guests[gi]
		for ni := range g.NICs {
			n := &g.NICs[ni]
			p := port{g: g, n: n, addrs: append(append([]netip.Prefix(nil), n.Addrs...), ipfilterAddrs(rs, n)...)}
			if hw, err := net.ParseMAC(n.MAC); err == nil && n.MAC != "" {
				p.mac = hw
			} else {
				p.mac = addrplan.NICMAC(g.VMID, n.Index)
			}
			if num, ok := nums[n.Bridge]; ok {
				for _, fam := range []int{4, 6} {
					if hasFamily(p.addrs, fam) {
						continue
					}
					for h := addrplan.FirstGuestHost(g.VMID); h <= 254; h++ {
						a := addrplan.V4(num, h)
						if fam == 6 {
							a = addrplan.V6(num, h)
						}
						if !taken[a.Addr()] {
							taken[a.Addr()] = true
							p.addrs = append(p.addrs, a)
							break
						}
					}
				}
			}
			top.ports = append(top.ports, p)
		}
	}
	top.outMAC = addrplan.UplinkOutsideMAC
	if nw.Uplink != "" {
		num := nums[nw.Uplink]
		top.uplink = top.segs[nw.Uplink]
		top.outside = []netip.Prefix{addrplan.V4(num, addrplan.OutsideHost), addrplan.V6(num, addrplan.OutsideHost)}
		return top, nil
	}
	top.uplink = &segment{
		name: routedUplink,
		mac:  addrplan.UplinkHostMAC,
		host: addrplan.RoutedHost,
	}
	top.segs[routedUplink] = top.uplink
	top.outside = addrplan.RoutedOutside
	return top, nil
}

// ipfilterAddrs gives a NIC without static addresses the first single
// address of each family in its ipfilter set: the guest's own address, as
// far as the configuration tells.
func ipfilterAddrs(rs *ir.Ruleset, n *ir.NIC) []netip.Prefix {
	if len(n.Addrs) > 0 || n.IPFilter == "" {
		return nil
	}
	var out []netip.Prefix
	for _, s := range rs.Sets {
		if s.Name != n.IPFilter {
			continue
		}
		for _, ps := range [][]netip.Prefix{s.V4, s.V6} {
			for _, p := range ps {
				if !p.Addr().IsLinkLocalUnicast() {
					out = append(out, netip.PrefixFrom(p.Addr(), p.Bits()))
					break
				}
			}
		}
	}
	return out
}

func hasFamily(ps []netip.Prefix, fam int) bool {
	return pick(ps, fam).IsValid()
}

// pick returns the first address of family fam (4 or 6).
func pick(ps []netip.Prefix, fam int) netip.Addr {
	for _, p := range ps {
		if p.Addr().Is4() == (fam == 4) {
			return p.Addr()
		}
	}
	return netip.Addr{}
}

// routeTypes is what the host's routing tables (nft's fib) say of an
// address: broadcast for a subnet broadcast of one of the host's IPv4
// networks or 255.255.255.255, multicast, anycast for an IPv6 subnet-router
// address, else nothing (unicast).
func (t *topology) routeTypes(a netip.Addr) []plan.RouteType {
	switch {
	case a.IsMulticast():
		return []plan.RouteType{plan.Multicast}
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return []plan.RouteType{plan.Broadcast}
	}
	for _, s := range t.segs {
		for _, p := range s.host {
			if !p.Contains(a) {
				continue
			}
			if a.Is4() && a == lastAddr(p) {
				return []plan.RouteType{plan.Broadcast}
			}
			if a.Is6() && a == p.Masked().Addr() {
				return []plan.RouteType{plan.Anycast}
			}
		}
	}
	return nil
}

// broadcast reports whether a is a broadcast address for the host.
func (t *topology) broadcast(a netip.Addr) bool {
	return slices.Contains(t.routeTypes(a), plan.Broadcast)
}

// lastAddr is the highest address of p (the IPv4 subnet broadcast).
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	for i := 3; i >= 0 && host > 0; i-- {
		n := min(host, 8)
		b[i] |= byte(1<<n - 1)
		host -= n
	}
	return netip.AddrFrom4(b)
}
