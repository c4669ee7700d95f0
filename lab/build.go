package lab

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Net is a built topology: the namespaces of one scenario.
type Net struct {
	Top     *Topology
	Host    *NS
	Outside *NS
	Ports   map[string]*NS // by host-side interface name
	all     []*NS

	mu    sync.Mutex
	added map[*NS]map[netip.Addr]bool // addresses probes added
}

var netSeq atomic.Int64

// Build creates the namespaces, links and addresses of top. On error
// everything created so far is released.
func Build(top *Topology) (n *Net, err error) {
	id := netSeq.Add(1)
	n = &Net{Top: top, Ports: map[string]*NS{}, added: map[*NS]map[netip.Addr]bool{}}
	defer func() {
		if err != nil {
			n.Close()
			n = nil
		}
	}()
	mk := func(role string) (*NS, error) {
		ns, err := NewNS(fmt.Sprintf("fwclab-%d-%s", id, role))
		if err == nil {
			n.all = append(n.all, ns)
		}
		return ns, err
	}
	if n.Host, err = mk("host"); err != nil {
		return
	}
	if n.Outside, err = mk("outside"); err != nil {
		return
	}
	for _, p := range top.Ports {
		if n.Ports[p.Name], err = mk(p.Name); err != nil {
			return
		}
	}
	for _, ns := range n.all {
		if err = ns.Sysctl(false,
			"net/ipv6/conf/all/accept_dad", "0",
			"net/ipv6/conf/default/accept_dad", "0",
			"net/ipv6/conf/all/accept_ra", "0",
			"net/ipv6/conf/default/accept_ra", "0",
			"net/ipv6/conf/default/router_solicitations", "0",
			"net/ipv4/conf/all/rp_filter", "0",
			"net/ipv4/conf/default/rp_filter", "0",
			// A REJECT answers with ICMP errors; rate limits would
			// silence them after a few probes and fake a DROP.
			"net/ipv4/icmp_ratelimit", "0",
			"net/ipv6/icmp/ratelimit", "0",
		); err != nil {
			return
		}
		if err = ns.Sysctl(true, "net/ipv4/icmp_msgs_per_sec", "1000000", "net/ipv4/icmp_msgs_burst", "1000000"); err != nil {
			return
		}
	}
	if err = n.Host.Sysctl(false, "net/ipv4/ip_forward", "1", "net/ipv6/conf/all/forwarding", "1"); err != nil {
		return
	}
	// br_netfilter, when loaded, would pass bridged frames through the
	// inet hooks too; a Proxmox host on nftables has it off for fwc.
	if err = n.Host.Sysctl(true,
		"net/bridge/bridge-nf-call-iptables", "0",
		"net/bridge/bridge-nf-call-ip6tables", "0",
		"net/bridge/bridge-nf-call-arptables", "0",
	); err != nil {
		return
	}
	if _, err = n.Host.Run([]byte(n.hostScript()), "ip", "-batch", "-"); err != nil {
		return
	}
	if _, err = n.Outside.Run([]byte(endScript(top.Uplink.OutsideAddr, top.Uplink.Gateways)), "ip", "-batch", "-"); err != nil {
		return
	}
	for _, p := range top.Ports {
		if _, err = n.Ports[p.Name].Run([]byte(endScript(p.Addrs, p.Gateways)), "ip", "-batch", "-"); err != nil {
			return
		}
	}
	return n, n.waitReady(5 * time.Second)
}

// waitReady waits until every link is operationally up. The kernel
// applies carrier changes asynchronously (linkwatch, up to a second
// later), and until then bridge ports do not forward and IPv6 has no
// link-local address.
func (n *Net) waitReady(limit time.Duration) error {
	until := time.Now().Add(limit)
	for _, ns := range n.all {
		for {
			down, err := downLinks(ns)
			if err != nil {
				return err
			}
			if down == "" {
				break
			}
			if time.Now().After(until) {
				return fmt.Errorf("%s: links not up after %v: %s", ns.Name, limit, down)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

// downLinks lists the links of ns that are not running.
func downLinks(ns *NS) (string, error) {
	var down []string
	err := ns.Do(func() error {
		ifs, err := net.Interfaces()
		for _, i := range ifs {
			if i.Flags&net.FlagRunning == 0 {
				down = append(down, i.Name)
			}
		}
		return err
	})
	return strings.Join(down, " "), err
}

// Close releases every namespace of the net.
func (n *Net) Close() {
	for _, ns := range n.all {
		ns.Close()
	}
}

// addrCmd adds an address; IPv6 ones skip duplicate address detection
// so they are usable at once.
func addrCmd(b *strings.Builder, a netip.Prefix, dev string) {
	fmt.Fprintf(b, "addr add %s dev %s", a, dev)
	if a.Addr().Is6() {
		b.WriteString(" nodad")
	}
	b.WriteByte('\n')
}

func (n *Net) hostScript() string {
	top := n.Top
	var b strings.Builder
	b.WriteString("link set lo up\n")
	for _, br := range top.Bridges {
		fmt.Fprintf(&b, "link add %s address %s type bridge\n", br.Name, br.MAC)
		for _, a := range append(append([]netip.Prefix{}, br.Addrs...), top.HostGateways(br.Name)...) {
			addrCmd(&b, a, br.Name)
		}
		fmt.Fprintf(&b, "link set %s up\n", br.Name)
	}
	u := top.Uplink
	fmt.Fprintf(&b, "link add eth0 address %s type veth peer name eth0 netns %s address %s\n", u.HostMAC, n.Outside.Path(), u.OutsideMAC)
	if u.Bridge != "" {
		fmt.Fprintf(&b, "link set eth0 master %s\n", u.Bridge)
	}
	for _, a := range u.HostAddrs {
		addrCmd(&b, a, "eth0")
	}
	b.WriteString("link set eth0 up\n")
	for _, p := range top.Ports {
		fmt.Fprintf(&b, "link add %s type veth peer name eth0 netns %s address %s\n", p.Name, n.Ports[p.Name].Path(), p.MAC)
		fmt.Fprintf(&b, "link set %s master %s up\n", p.Name, p.Bridge)
	}
	for _, g := range u.Upstream {
		fmt.Fprintf(&b, "route add default via %s\n", g)
	}
	return b.String()
}

// endScript configures the single eth0 of a guest or outside namespace.
func endScript(addrs []netip.Prefix, gws []netip.Addr) string {
	var b strings.Builder
	b.WriteString("link set lo up\n")
	for _, a := range addrs {
		addrCmd(&b, a, "eth0")
	}
	b.WriteString("link set eth0 up\n")
	for _, g := range gws {
		fmt.Fprintf(&b, "route add default via %s dev eth0\n", g)
	}
	return b.String()
}
