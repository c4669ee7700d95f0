package lab

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Observe runs one probe through the net and returns the verdict it saw
// with a short note of the evidence. An error means the probe could not
// be run (unknown endpoint, socket failure), not a verdict.
func (n *Net) Observe(p *Probe, deadline time.Duration) (Verdict, string, error) {
	src, dst, err := n.resolve(p)
	if err != nil {
		return 0, "", err
	}
	if p.Frame != NoFrame && src.segment != dst.segment {
		return 0, "", fmt.Errorf("%s and %s are on different bridges; link-local frames do not cross the host", p.Src, p.Dst)
	}
	for _, e := range []struct {
		ep Endpoint
		ns *NS
	}{{p.Src, src.ns}, {p.Dst, dst.ns}} {
		if e.ep.Addr.IsValid() && e.ep.Kind != Host {
			if err := n.ensureAddr(e.ns, e.ep.Addr); err != nil {
				return 0, "", err
			}
		}
	}
	var o outcome
	switch {
	case p.Forged():
		o, err = n.probeForged(p, src, dst, deadline)
		if err == nil {
			err = n.settle(p, src.segment)
		}
	case p.Proto == "tcp":
		o, err = n.probeTCP(p, src, dst, deadline)
	case p.Proto == "udp":
		o, err = n.probeUDP(p, src, dst, deadline)
	default:
		o, err = n.probeEcho(p, src, dst, deadline)
	}
	return o.v, o.detail, err
}

// ensureAddr gives a guest or outside an address a probe names (a
// foreign one, to see what the firewall does with it), so sockets can
// bind it and packets to it arrive. Each address is added once.
func (n *Net) ensureAddr(ns *NS, a netip.Addr) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.added[ns][a] {
		return nil
	}
	bits := 32
	if a.Is6() {
		bits = 128
	}
	if _, err := ns.Run(nil, "ip", "addr", "replace", netip.PrefixFrom(a, bits).String(), "dev", "eth0", "nodad"); err != nil {
		return err
	}
	if n.added[ns] == nil {
		n.added[ns] = map[netip.Addr]bool{}
	}
	n.added[ns][a] = true
	return nil
}

// settle forgets what a forged frame may have taught the bridges and
// neighbour tables (a MAC learned on the wrong port, a poisoned ARP or
// NDP entry anywhere on the sender's segment), so the next probe sees
// the topology as built. Bridges are flushed only when the frame
// claimed a MAC of the topology; a stray foreign MAC misleads no one.
func (n *Net) settle(p *Probe, segment string) error {
	if n.knownMAC(p.SpoofMAC) || n.knownMAC(p.ClaimMAC) {
		var b strings.Builder
		for _, br := range n.Top.Bridges {
			fmt.Fprintf(&b, "link set %s type bridge fdb_flush\n", br.Name)
		}
		if _, err := n.Host.Run([]byte(b.String()), "ip", "-batch", "-"); err != nil {
			return err
		}
	}
	if p.Frame != ARP && p.Frame != NeighborAdvert {
		return nil
	}
	spaces := []*NS{n.Host}
	if n.Top.Uplink.Bridge == segment {
		spaces = append(spaces, n.Outside)
	}
	for _, port := range n.Top.Ports {
		if port.Bridge == segment {
			spaces = append(spaces, n.Ports[port.Name])
		}
	}
	for _, ns := range spaces {
		if err := flushNeighbours(ns); err != nil {
			return err
		}
	}
	return nil
}

// knownMAC reports whether mac belongs to an interface of the topology.
func (n *Net) knownMAC(mac net.HardwareAddr) bool {
	if mac == nil {
		return false
	}
	known := []net.HardwareAddr{n.Top.Uplink.HostMAC, n.Top.Uplink.OutsideMAC}
	for _, b := range n.Top.Bridges {
		known = append(known, b.MAC)
	}
	for _, p := range n.Top.Ports {
		known = append(known, p.MAC)
	}
	for _, k := range known {
		if bytes.Equal(k, mac) {
			return true
		}
	}
	return false
}
