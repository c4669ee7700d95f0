package lab

import (
	"fmt"
	"net"
	"net/netip"
	"sort"

	"github.com/fwc-project/fwc/internal/addrplan"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/tree"
)

// Topology is the network a scenario builds: what a Proxmox node with
// the tree's guests looks like, addresses included. It is plain data,
// computed by Plan and realised by Build.
type Topology struct {
	Bridges []Bridge // sorted by name
	Ports   []Port   // one per guest NIC, sorted by VMID and index
	Uplink  Uplink
}

// Bridge is a Linux bridge in the host namespace.
type Bridge struct {
	Name  string
	Num   int // the N of the 10.0.N.0/24 and fd00:N::/64 plan
	MAC   net.HardwareAddr
	Addrs []netip.Prefix // host addresses on the bridge
}

// Port is one guest NIC: a namespace whose eth0 is the peer of the host
// side veth Name (tap<vmid>i<N> or veth<vmid>i<N>) plugged into Bridge.
type Port struct {
	VMID     int
	Kind     ir.GuestKind
	Index    int
	Name     string
	Bridge   string
	MAC      net.HardwareAddr
	Addrs    []netip.Prefix
	Gateways []netip.Addr // default routes, one per family at most
}

// Uplink is the host's eth0 and the outside namespace behind it. When
// Bridge is set, eth0 is a port of that bridge (the usual Proxmox
// setup) and outside sits on the bridge's subnet; otherwise eth0 is a
// routed link with its own addresses. Either way outside is the host's
// default gateway, so it can stand for any address on the Internet.
type Uplink struct {
	Bridge      string
	HostMAC     net.HardwareAddr
	OutsideMAC  net.HardwareAddr
	HostAddrs   []netip.Prefix // routed uplink only
	OutsideAddr []netip.Prefix
	Gateways    []netip.Addr // outside's default routes
	Upstream    []netip.Addr // the host's default routes, via outside
}

// Plan lays out the namespaces and addresses for t. Bridges named vmbrN
// (N < 200) use N in their subnets, others get numbers from 200 up in
// name order. Guest NICs keep their configured MAC and LXC addresses;
// the others get deterministic ones. uplinkBridge, when not empty,
// plugs the uplink into that bridge instead of routing it.
func Plan(t *tree.Tree, uplinkBridge string) (*Topology, error) {
	top := &Topology{}
	names := map[string]bool{}
	for _, g := range t.Guests {
		for _, n := range g.NICs {
			if n.Bridge == "" {
				return nil, fmt.Errorf("%s: net%d has no bridge", g.Pos, n.Index)
			}
			names[n.Bridge] = true
		}
	}
	if uplinkBridge != "" {
		names[uplinkBridge] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	nums, err := addrplan.BridgeNumbers(sorted)
	if err != nil {
		return nil, err
	}
	byName := map[string]*Bridge{}
	for _, n := range sorted {
		num := nums[n]
		top.Bridges = append(top.Bridges, Bridge{
			Name:  n,
			Num:   num,
			MAC:   addrplan.BridgeMAC(num),
			Addrs: []netip.Prefix{addrplan.V4(num, addrplan.HostHost), addrplan.V6(num, addrplan.HostHost)},
		})
	}
	for i := range top.Bridges {
		byName[top.Bridges[i].Name] = &top.Bridges[i]
	}
	taken := map[netip.Addr]bool{}
	for _, g := range t.Guests {
		for _, n := range g.NICs {
			for _, a := range n.Addrs {
				taken[a.Addr()] = true
			}
		}
	}
	for _, g := range t.Guests {
		for _, n := range g.NICs {
			p, err := planPort(g, n, byName[n.Bridge], taken)
			if err != nil {
				return nil, err
			}
			top.Ports = append(top.Ports, p)
		}
	}
	top.Uplink = planUplink(uplinkBridge, byName[uplinkBridge])
	return top, nil
}

func planPort(g tree.Guest, n tree.NIC, br *Bridge, taken map[netip.Addr]bool) (Port, error) {
	prefix := "tap"
	if g.Kind == ir.CT {
		prefix = "veth"
	}
	p := Port{
		VMID: g.VMID, Kind: g.Kind, Index: n.Index,
		Name:   fmt.Sprintf("%s%di%d", prefix, g.VMID, n.Index),
		Bridge: n.Bridge,
	}
	if len(p.Name) > 15 {
		return p, fmt.Errorf("%s: interface name %s is longer than the kernel's 15 characters", g.Pos, p.Name)
	}
	if n.MAC != "" {
		m, err := net.ParseMAC(n.MAC)
		if err != nil {
			return p, fmt.Errorf("%s: net%d: bad MAC %q", g.Pos, n.Index, n.MAC)
		}
		p.MAC = m
	} else {
		p.MAC = addrplan.NICMAC(g.VMID, n.Index)
	}
	p.Addrs = append(p.Addrs, n.Addrs...)
	p.Gateways = append(p.Gateways, n.Gateways...)
	// Guests without a static address of a family get one from the
	// bridge's plan: host part 10+VMID%200, bumped past taken ones.
	for _, fam := range []int{4, 6} {
		if hasFamily(p.Addrs, fam) {
			continue
		}
		for h := addrplan.FirstGuestHost(g.VMID); ; h++ {
			if h > 254 {
				return p, fmt.Errorf("%s: no free address on %s", g.Pos, br.Name)
			}
			a := addrplan.V4(br.Num, h)
			if fam == 6 {
				a = addrplan.V6(br.Num, h)
			}
			if !taken[a.Addr()] {
				taken[a.Addr()] = true
				p.Addrs = append(p.Addrs, a)
				break
			}
		}
	}
	for _, fam := range []int{4, 6} {
		if hasGateway(p.Gateways, fam) {
			continue
		}
		for _, a := range br.Addrs {
			if family(a.Addr()) == fam && onLink(p.Addrs, a.Addr()) {
				p.Gateways = append(p.Gateways, a.Addr())
			}
		}
	}
	return p, nil
}

func planUplink(bridge string, br *Bridge) Uplink {
	u := Uplink{
		Bridge:     bridge,
		HostMAC:    addrplan.UplinkHostMAC,
		OutsideMAC: addrplan.UplinkOutsideMAC,
	}
	if br != nil {
		u.OutsideAddr = []netip.Prefix{addrplan.V4(br.Num, addrplan.OutsideHost), addrplan.V6(br.Num, addrplan.OutsideHost)}
		u.Gateways = []netip.Addr{br.Addrs[0].Addr(), br.Addrs[1].Addr()}
		u.Upstream = []netip.Addr{u.OutsideAddr[0].Addr(), u.OutsideAddr[1].Addr()}
		return u
	}
	u.HostAddrs = addrplan.RoutedHost
	u.OutsideAddr = addrplan.RoutedOutside
	u.Gateways = []netip.Addr{u.HostAddrs[0].Addr(), u.HostAddrs[1].Addr()}
	u.Upstream = []netip.Addr{u.OutsideAddr[0].Addr(), u.OutsideAddr[1].Addr()}
	return u
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 4
	}
	return 6
}

func hasFamily(ps []netip.Prefix, fam int) bool {
	for _, p := range ps {
		if family(p.Addr()) == fam {
			return true
		}
	}
	return false
}

func hasGateway(gs []netip.Addr, fam int) bool {
	for _, g := range gs {
		if family(g) == fam {
			return true
		}
	}
	return false
}

func onLink(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Masked().Contains(a) {
			return true
		}
	}
	return false
}

// HostGateways returns the gateway addresses LXC configs name that the
// bridge plan does not already give the host: the host takes them on
// the guest's bridge, so the guest's gw= works.
func (t *Topology) HostGateways(bridge string) []netip.Prefix {
	var br *Bridge
	for i := range t.Bridges {
		if t.Bridges[i].Name == bridge {
			br = &t.Bridges[i]
		}
	}
	seen := map[netip.Addr]bool{}
	for _, a := range br.Addrs {
		seen[a.Addr()] = true
	}
	var out []netip.Prefix
	for _, p := range t.Ports {
		if p.Bridge != bridge {
			continue
		}
		for _, g := range p.Gateways {
			if seen[g] {
				continue
			}
			seen[g] = true
			bits := 24
			if g.Is6() {
				bits = 64
			}
			for _, a := range p.Addrs {
				if a.Masked().Contains(g) {
					bits = a.Bits()
				}
			}
			out = append(out, netip.PrefixFrom(g, bits))
		}
	}
	return out
}
