package lab

import (
	"fmt"
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
			if err := ensureAddr(e.ns, e.ep.Addr); err != nil {
				return 0, "", err
			}
		}
	}
	var o outcome
	switch {
	case p.Forged():
		o, err = n.probeForged(p, src, dst, deadline)
		if err == nil && (p.SpoofMAC != nil || p.Frame == ARP || p.Frame == NeighborAdvert) {
			err = n.settle(src.segment)
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
// bind it and packets to it arrive.
func ensureAddr(ns *NS, a netip.Addr) error {
	bits := 32
	if a.Is6() {
		bits = 128
	}
	_, err := ns.Run(nil, "ip", "addr", "replace", netip.PrefixFrom(a, bits).String(), "dev", "eth0", "nodad")
	return err
}

// settle forgets what a forged frame may have taught the bridges and
// neighbour tables (a MAC learned on the wrong port, a poisoned ARP or
// NDP entry anywhere on the sender's segment), so the next probe sees
// the topology as built.
func (n *Net) settle(segment string) error {
	var b strings.Builder
	for _, br := range n.Top.Bridges {
		fmt.Fprintf(&b, "link set %s type bridge fdb_flush\n", br.Name)
	}
	b.WriteString("neigh flush all\n")
	if _, err := n.Host.Run([]byte(b.String()), "ip", "-batch", "-"); err != nil {
		return err
	}
	others := []*NS{}
	if n.Top.Uplink.Bridge == segment {
		others = append(others, n.Outside)
	}
	for _, p := range n.Top.Ports {
		if p.Bridge == segment {
			others = append(others, n.Ports[p.Name])
		}
	}
	for _, ns := range others {
		if _, err := ns.Run(nil, "ip", "neigh", "flush", "all"); err != nil {
			return err
		}
	}
	return nil
}
