package explain

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"strconv"

	"github.com/fwc-project/fwc/ir"
)

// Network describes what the IR does not know about the node: where the
// uplink is. Addresses the configuration does not give follow the kernel
// lab's plan (lab.Plan), so a lab probe and an explain question about the
// same endpoints name the same packet (a NIC without static addresses but
// with an ipfilter set takes the set's first address of each family
// instead): bridge vmbrN has the host at
// 10.0.N.1 and fd00:N::1, a guest NIC without a static address gets host
// part 10+VMID%200 on its bridge, and a routed uplink is 192.0.2.0/24 and
// 2001:db8::/64 with the host at .1 and outside at .2.
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

var vmbrNum = regexp.MustCompile(`^vmbr([0-9]{1,3})$`)

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
	sort.Strings(sorted)
	nums := map[string]int{}
	used := map[int]bool{}
	for _, n := range sorted {
		if m := vmbrNum.FindStringSubmatch(n); m != nil {
			if v, _ := strconv.Atoi(m[1]); v < 200 {
				nums[n], used[v] = v, true
			}
		}
	}
	next := 200
	top := &topology{segs: map[string]*segment{}}
	for _, n := range sorted {
		num, ok := nums[n]
		if !ok {
			for used[next] {
				next++
			}
			if next > 255 {
				return nil, fmt.Errorf("too many bridges for the lab's address plan")
			}
			num, used[next] = next, true
			nums[n] = num
		}
		top.segs[n] = &segment{
			name:  n,
			mac:   net.HardwareAddr{0x02, 0xfc, 0, 0, byte(num), 1},
			host:  []netip.Prefix{v4(num, 1), v6(num, 1)},
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
				p.mac = net.HardwareAddr{0x02, 0xfc, byte(g.VMID >> 16), byte(g.VMID >> 8), byte(g.VMID), byte(n.Index)}
			}
			if num, ok := nums[n.Bridge]; ok {
				for _, fam := range []int{4, 6} {
					if hasFamily(p.addrs, fam) {
						continue
					}
					for h := 10 + g.VMID%200; h <= 254; h++ {
						a := v4(num, h)
						if fam == 6 {
							a = v6(num, h)
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
	top.outMAC = net.HardwareAddr{0x02, 0xfc, 0xff, 0, 0, 2}
	if nw.Uplink != "" {
		num := nums[nw.Uplink]
		top.uplink = top.segs[nw.Uplink]
		top.outside = []netip.Prefix{v4(num, 254), v6(num, 254)}
		return top, nil
	}
	top.uplink = &segment{
		name: routedUplink,
		mac:  net.HardwareAddr{0x02, 0xfc, 0xff, 0, 0, 1},
		host: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/24"), netip.MustParsePrefix("2001:db8::1/64")},
	}
	top.segs[routedUplink] = top.uplink
	top.outside = []netip.Prefix{netip.MustParsePrefix("192.0.2.2/24"), netip.MustParsePrefix("2001:db8::2/64")}
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

func v4(num, host int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(num), byte(host)}), 24)
}

// v6 writes the host part with the digits of the IPv4 one (10.0.1.110
// pairs with fd00:1::110), as the lab does.
func v6(num, host int) netip.Prefix {
	return netip.MustParsePrefix(fmt.Sprintf("fd00:%x::%d/64", num, host))
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

// addrType is what the host's routing tables (nft's fib) say of an
// address: broadcast for a subnet broadcast of one of the host's IPv4
// networks or 255.255.255.255, multicast, anycast for an IPv6 subnet-router
// address, else unicast.
func (t *topology) addrType(a netip.Addr) string {
	switch {
	case a.IsMulticast():
		return "multicast"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, s := range t.segs {
		for _, p := range s.host {
			if !p.Contains(a) {
				continue
			}
			if a.Is4() && a == lastAddr(p) {
				return "broadcast"
			}
			if a.Is6() && a == p.Masked().Addr() {
				return "anycast"
			}
		}
	}
	return "unicast"
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
