package lab

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/fwc-project/fwc/lab/packet"
	"golang.org/x/sys/unix"
)

// probeForged sends a hand-built frame from src's interface and watches
// for it at dst: delivered is ACCEPT, not seen within the deadline DROP.
func (n *Net) probeForged(p *Probe, src, dst end, deadline time.Duration) (outcome, error) {
	marker := newMarker()
	frame, err := n.forge(p, src, dst, marker)
	if err != nil {
		return outcome{}, err
	}
	var sn sniffer
	if p.Dst.Kind == Host && p.Frame == NoFrame {
		sn, err = listenIP(dst.ns, p)
	} else {
		sn, err = listenLink(dst.ns, dst.iface)
	}
	if err != nil {
		return outcome{}, err
	}
	defer sn.close()
	if err := sendFrame(src.ns, src.iface, frame); err != nil {
		return outcome{}, err
	}
	// An IP probe counts only with its own source address: an ICMP error
	// about it (a REJECT's answer, flooded back onto the segment when the
	// forged source is a broadcast address) quotes the marker too.
	var from netip.Addr
	if p.Frame == NoFrame {
		from = src.addr
		if p.SpoofIP.IsValid() {
			from = p.SpoofIP
		}
	}
	if sn.wait(marker, from, time.Now().Add(deadline)) {
		return outcome{Accept, "delivered to " + dst.ns.Name}, nil
	}
	return outcome{Drop, fmt.Sprintf("not seen at %s within %v", dst.ns.Name, deadline)}, nil
}

// forge builds the Ethernet frame p describes, with its VLAN tags.
func (n *Net) forge(p *Probe, src, dst end, marker []byte) ([]byte, error) {
	frame, err := n.forgeUntagged(p, src, dst, marker)
	if err != nil {
		return nil, err
	}
	for i := len(p.Tags) - 1; i >= 0; i-- {
		frame = packet.Tag(frame, p.Tags[i].S, p.Tags[i].VID)
	}
	return frame, nil
}

// forgeUntagged builds the Ethernet frame p describes, without tags.
func (n *Net) forgeUntagged(p *Probe, src, dst end, marker []byte) ([]byte, error) {
	smac := src.mac
	if p.SpoofMAC != nil {
		smac = p.SpoofMAC
	}
	id := binary.BigEndian.Uint32(marker[6:])
	ll := linkLocal(src.mac)
	switch p.Frame {
	case ARP:
		sha, spa := src.mac, p.ClaimIP
		if p.ClaimMAC != nil {
			sha = p.ClaimMAC
		}
		if !spa.IsValid() {
			spa = src.addr
		}
		body := packet.ARP(packet.ARPRequest, sha, spa, make(net.HardwareAddr, 6), dst.addr, marker)
		return packet.Ether(packet.Broadcast, smac, packet.EtherARP, body), nil
	case NeighborSolicit:
		group := packet.SolicitedNode(dst.addr)
		ip := packet.IP(ll, group, packet.ProtoICMPv6, 255, packet.NeighborSolicit(ll, group, dst.addr, src.mac, marker))
		return packet.Ether(packet.MulticastMAC(group), smac, packet.EtherIPv6, ip), nil
	case NeighborAdvert:
		all, mac := netip.MustParseAddr("ff02::1"), src.mac
		if p.ClaimMAC != nil {
			mac = p.ClaimMAC
		}
		ip := packet.IP(ll, all, packet.ProtoICMPv6, 255, packet.NeighborAdvert(ll, all, p.ClaimIP, mac, marker))
		return packet.Ether(packet.MulticastMAC(all), smac, packet.EtherIPv6, ip), nil
	case OtherFrame:
		return packet.Ether(dst.mac, smac, p.EtherType, marker), nil
	case RouterAdvert:
		all := netip.MustParseAddr("ff02::1")
		ip := packet.IP(ll, all, packet.ProtoICMPv6, 255, packet.RouterAdvert(ll, all, marker))
		return packet.Ether(packet.MulticastMAC(all), smac, packet.EtherIPv6, ip), nil
	case DHCPOffer, DHCPDiscover:
		bcast := netip.AddrFrom4([4]byte{255, 255, 255, 255})
		from, sport, dport := src.addr, uint16(67), uint16(68)
		op, yi := uint8(packet.BootReply), dst.addr
		if p.Frame == DHCPDiscover {
			from, sport, dport = netip.AddrFrom4([4]byte{}), 68, 67
			op, yi = packet.BootRequest, netip.Addr{}
		}
		chaddr := dst.mac
		if p.Frame == DHCPDiscover {
			chaddr = src.mac
		}
		udp := packet.UDP(from, bcast, sport, dport, packet.DHCP(op, id, chaddr, yi, marker))
		return packet.Ether(packet.Broadcast, smac, packet.EtherIPv4, packet.IP(from, bcast, packet.ProtoUDP, 64, udp)), nil
	case DHCP6Advertise, DHCP6Solicit:
		group, sport, dport, typ := netip.MustParseAddr("ff02::1"), uint16(547), uint16(546), uint8(packet.DHCPv6Advertise)
		if p.Frame == DHCP6Solicit {
			group, sport, dport, typ = netip.MustParseAddr("ff02::1:2"), 546, 547, packet.DHCPv6Solicit
		}
		udp := packet.UDP(ll, group, sport, dport, packet.DHCPv6(typ, id, marker))
		return packet.Ether(packet.MulticastMAC(group), smac, packet.EtherIPv6, packet.IP(ll, group, packet.ProtoUDP, 255, udp)), nil
	}
	from := src.addr
	if p.SpoofIP.IsValid() {
		from = p.SpoofIP
	}
	var proto uint8
	var seg []byte
	sport := p.SPort
	if sport == 0 {
		sport = 40000 + uint16(id%20000)
	}
	switch p.Proto {
	case "icmp":
		proto = packet.ProtoICMP
		if p.IPv6 {
			proto = packet.ProtoICMPv6
		}
		if p.ICMPType == echoType(p.IPv6) && p.ICMPCode == 0 {
			seg = packet.Echo(from, dst.addr, uint16(id), 1, marker)
		} else {
			body := marker
			if p.Quote.SPort != 0 {
				udp := packet.UDP(dst.addr, from, p.Quote.SPort, p.Quote.DPort, marker)
				body = packet.IP(dst.addr, from, packet.ProtoUDP, 64, udp)
			}
			seg = packet.ICMP(from, dst.addr, uint8(p.ICMPType), uint8(p.ICMPCode), append(make([]byte, 4), body...))
		}
	case "udp":
		proto, seg = packet.ProtoUDP, packet.UDP(from, dst.addr, sport, p.Port, marker)
	case "tcp":
		flags := p.Flags
		if flags == 0 {
			flags = packet.SYN
		}
		proto, seg = packet.ProtoTCP, packet.TCP(from, dst.addr, sport, p.Port, flags, id, marker)
	}
	// Off-segment targets are reached through the host: the frame goes
	// to the host's MAC on the sender's segment.
	next := dst.mac
	if dst.segment != src.segment || p.Dst.Kind == Host {
		h := end{}
		if err := n.hostEnd(&h, src.segment, netip.Addr{}, p.Family()); err != nil {
			return nil, err
		}
		next = h.mac
	}
	return packet.Ether(next, smac, packet.EtherTypeOf(from), packet.IP(from, dst.addr, proto, 64, seg)), nil
}

// sendFrame writes frame as is on iface of ns through an AF_PACKET socket.
func sendFrame(ns *NS, iface string, frame []byte) error {
	return ns.Do(func() error {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return fmt.Errorf("%s: %w", ns.Name, err)
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("packet socket in %s: %w", ns.Name, err)
		}
		defer unix.Close(fd)
		to := &unix.SockaddrLinklayer{Ifindex: ifi.Index, Halen: 6, Protocol: htons(binary.BigEndian.Uint16(frame[12:]))}
		copy(to.Addr[:], frame[:6])
		if err := unix.Sendto(fd, frame, 0, to); err != nil {
			return fmt.Errorf("send on %s in %s: %w", iface, ns.Name, err)
		}
		return nil
	})
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// sniffer waits for a packet carrying a marker.
type sniffer struct {
	fd   int
	link bool // AF_PACKET: whole frames, and skip those the namespace itself sends
}

func (s sniffer) close() { unix.Close(s.fd) }

// wait reads until a packet containing marker arrives, from the IP source
// address src when it is valid, or until.
func (s sniffer) wait(marker []byte, src netip.Addr, until time.Time) bool {
	buf := make([]byte, 65536)
	for {
		left := time.Until(until)
		if left <= 0 {
			return false
		}
		fds := []unix.PollFd{{Fd: int32(s.fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, int(left/time.Millisecond)+1); err != nil && err != unix.EINTR {
			return false
		}
		for {
			k, from, err := unix.Recvfrom(s.fd, buf, unix.MSG_DONTWAIT)
			if err != nil {
				break
			}
			if ll, ok := from.(*unix.SockaddrLinklayer); ok && s.link && ll.Pkttype == unix.PACKET_OUTGOING {
				continue
			}
			if !bytes.Contains(buf[:k], marker) {
				continue
			}
			if got, ok := s.source(buf[:k], from); !src.IsValid() || ok && got == src {
				return true
			}
		}
	}
}

// source is the IP source address of a packet the sniffer received: from
// the frame's IP header, the header a raw IPv4 socket hands over, or the
// peer address of a raw IPv6 socket (which strips the header).
func (s sniffer) source(pkt []byte, from unix.Sockaddr) (netip.Addr, bool) {
	if s.link {
		if len(pkt) < 14 {
			return netip.Addr{}, false
		}
		switch binary.BigEndian.Uint16(pkt[12:]) {
		case unix.ETH_P_IP:
			pkt = pkt[14:]
		case unix.ETH_P_IPV6:
			if len(pkt) < 14+24 {
				return netip.Addr{}, false
			}
			return netip.AddrFrom16([16]byte(pkt[14+8:])), true
		default:
			return netip.Addr{}, false
		}
	} else if sa, ok := from.(*unix.SockaddrInet6); ok {
		return netip.AddrFrom16(sa.Addr), true
	}
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte(pkt[12:])), true
}

// listenLink sniffs every frame iface of ns receives.
func listenLink(ns *NS, iface string) (sniffer, error) {
	s := sniffer{link: true}
	err := ns.Do(func() error {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return fmt.Errorf("%s: %w", ns.Name, err)
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
		if err != nil {
			return fmt.Errorf("packet socket in %s: %w", ns.Name, err)
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index, Protocol: htons(unix.ETH_P_ALL)}); err != nil {
			unix.Close(fd)
			return fmt.Errorf("bind packet socket to %s in %s: %w", iface, ns.Name, err)
		}
		s.fd = fd
		return nil
	})
	return s, err
}

// listenIP opens a raw IP socket for p's protocol in ns: it sees packets
// the host accepted for local delivery, after the input hooks.
func listenIP(ns *NS, p *Probe) (sniffer, error) {
	proto := map[string]int{"icmp": unix.IPPROTO_ICMP, "udp": unix.IPPROTO_UDP, "tcp": unix.IPPROTO_TCP}[p.Proto]
	domain := unix.AF_INET
	if p.IPv6 {
		domain = unix.AF_INET6
		if p.Proto == "icmp" {
			proto = unix.IPPROTO_ICMPV6
		}
	}
	var s sniffer
	err := ns.Do(func() error {
		fd, err := unix.Socket(domain, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return fmt.Errorf("raw socket in %s: %w", ns.Name, err)
		}
		s.fd = fd
		return nil
	})
	return s, err
}
