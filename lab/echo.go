package lab

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/fwc-project/fwc/lab/packet"
)

// probeEcho sends an echo request on a raw socket and waits for the
// matching reply (ACCEPT) or an ICMP error quoting it (REJECT).
func (n *Net) probeEcho(p *Probe, src, dst end, deadline time.Duration) (outcome, error) {
	nw, errType, replyType := "ip4:1", uint8(packet.ICMPv4Unreachable), uint8(packet.ICMPv4EchoReply)
	if p.IPv6 {
		nw, errType, replyType = "ip6:58", packet.ICMPv6Unreachable, packet.ICMPv6EchoReply
	}
	marker := newMarker()
	id := binary.BigEndian.Uint16(marker[6:])
	var c net.PacketConn
	err := src.ns.Do(func() error {
		var err error
		local := ""
		if a := bindAddr(src, p).Addr(); a.IsValid() {
			local = a.String()
		}
		c, err = net.ListenPacket(nw, local)
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("raw socket in %s: %w", src.ns.Name, err)
	}
	defer c.Close()
	// The kernel fills in the ICMPv6 checksum; the IPv4 one needs no addresses.
	msg := packet.Echo(dst.addr, dst.addr, id, 1, marker)
	note := fmt.Sprintf("no answer within %v", deadline)
	if _, err := c.WriteTo(msg, &net.IPAddr{IP: dst.addr.AsSlice()}); err != nil {
		if !errors.Is(err, syscall.EPERM) { // EPERM: see probeUDP
			return outcome{}, fmt.Errorf("send: %w", err)
		}
		note = "send: " + err.Error()
	}
	c.SetReadDeadline(time.Now().Add(deadline))
	buf := make([]byte, 2048)
	for {
		k, from, err := c.ReadFrom(buf)
		if err != nil {
			if v, ok := classify(err); ok && v == Drop {
				return outcome{Drop, note}, nil
			}
			return outcome{}, err
		}
		b := buf[:k]
		switch {
		case len(b) >= 8 && b[0] == replyType && binary.BigEndian.Uint16(b[4:]) == id:
			return outcome{Accept, "echo reply"}, nil
		case len(b) > 8 && b[0] == errType && quotesEcho(b[8:], id, p.IPv6):
			return outcome{Reject, fmt.Sprintf("ICMP type %d code %d from %s", b[0], b[1], from)}, nil
		}
	}
}

// quotesEcho reports whether an ICMP error's quoted packet is our echo.
func quotesEcho(q []byte, id uint16, v6 bool) bool {
	hl := 40
	if !v6 {
		if len(q) < 20 {
			return false
		}
		hl = int(q[0]&0x0f) * 4
	}
	return len(q) >= hl+8 && binary.BigEndian.Uint16(q[hl+4:]) == id
}
