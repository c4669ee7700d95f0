package lab

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/fwc-project/fwc/ir"
)

// end is an endpoint resolved against a built net for one probe.
type end struct {
	ns      *NS
	addr    netip.Addr       // the address of the probe's family
	mac     net.HardwareAddr // of the interface facing the peer
	iface   string           // interface to send or sniff on
	segment string           // L2 segment: a bridge name, or "eth0" for a routed uplink
	port    *Port            // guests only
}

// resolve finds both ends of p in n. The host end depends on the peer:
// it is the host's interface on the peer's segment.
func (n *Net) resolve(p *Probe) (src, dst end, err error) {
	fam := p.Family()
	if src, err = n.endpoint(p.Src, fam); err != nil {
		return
	}
	if dst, err = n.endpoint(p.Dst, fam); err != nil {
		return
	}
	switch {
	case p.Src.Kind == Host:
		err = n.hostEnd(&src, dst.segment, p.Src.Addr, fam)
	case p.Dst.Kind == Host:
		err = n.hostEnd(&dst, src.segment, p.Dst.Addr, fam)
	}
	return
}

func (n *Net) endpoint(e Endpoint, fam int) (end, error) {
	switch e.Kind {
	case Host:
		return end{ns: n.Host}, nil
	case Outside:
		u := n.Top.Uplink
		seg := u.Bridge
		if seg == "" {
			seg = "eth0"
		}
		return end{ns: n.Outside, addr: pick(e.Addr, u.OutsideAddr, fam), mac: u.OutsideMAC, iface: "eth0", segment: seg}, nil
	}
	var found *Port
	for i := range n.Top.Ports {
		p := &n.Top.Ports[i]
		if p.VMID == e.VMID && (e.NIC < 0 || e.NIC == p.Index) {
			found = p
			break
		}
	}
	if found == nil {
		return end{}, fmt.Errorf("%s: no such guest NIC in the tree", e)
	}
	if e.Prefix == "ct" && found.Kind != ir.CT {
		return end{}, fmt.Errorf("%s: guest %d is a VM, write vm%d", e, e.VMID, e.VMID)
	}
	a := pick(e.Addr, found.Addrs, fam)
	if !a.IsValid() {
		return end{}, fmt.Errorf("%s has no IPv%d address", e, fam)
	}
	return end{ns: n.Ports[found.Name], addr: a, mac: found.MAC, iface: "eth0", segment: found.Bridge, port: found}, nil
}

// hostEnd fills the host end facing segment.
func (n *Net) hostEnd(h *end, segment string, explicit netip.Addr, fam int) error {
	h.segment, h.iface = segment, segment
	if segment == "eth0" {
		h.mac = n.Top.Uplink.HostMAC
		h.addr = pick(explicit, n.Top.Uplink.HostAddrs, fam)
		return nil
	}
	for _, br := range n.Top.Bridges {
		if br.Name == segment {
			h.mac = br.MAC
			h.addr = pick(explicit, append(append([]netip.Prefix{}, br.Addrs...), n.Top.HostGateways(br.Name)...), fam)
			return nil
		}
	}
	return fmt.Errorf("host has no interface on %q", segment)
}

// pick returns explicit when set, else the first address of family fam.
func pick(explicit netip.Addr, addrs []netip.Prefix, fam int) netip.Addr {
	if explicit.IsValid() {
		return explicit
	}
	for _, a := range addrs {
		if family(a.Addr()) == fam {
			return a.Addr()
		}
	}
	return netip.Addr{}
}

// linkLocal is the EUI-64 link-local address of mac, the one the kernel
// gives an interface by default.
func linkLocal(mac net.HardwareAddr) netip.Addr {
	var a [16]byte
	a[0], a[1] = 0xfe, 0x80
	a[8], a[9], a[10] = mac[0]^2, mac[1], mac[2]
	a[11], a[12] = 0xff, 0xfe
	a[13], a[14], a[15] = mac[3], mac[4], mac[5]
	return netip.AddrFrom16(a)
}
