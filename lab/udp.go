package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// probeUDP sends one datagram on a connected socket. The listener
// receiving it means ACCEPT; an ICMP error reported on the sending
// socket means REJECT; neither within the deadline means DROP.
func (n *Net) probeUDP(p *Probe, src, dst end, deadline time.Duration) (outcome, error) {
	nw := network("udp", p.IPv6)
	marker := newMarker()
	var ln net.PacketConn
	err := dst.ns.Do(func() error {
		lc := net.ListenConfig{Control: reuse}
		var err error
		ln, err = lc.ListenPacket(context.Background(), nw, fmt.Sprintf(":%d", p.Port))
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("listen in %s: %w", dst.ns.Name, err)
	}
	defer ln.Close()
	got := make(chan struct{}, 1)
	ln.SetReadDeadline(time.Now().Add(deadline))
	go func() {
		buf := make([]byte, 2048)
		for {
			k, _, err := ln.ReadFrom(buf)
			if err != nil {
				return
			}
			if bytes.Equal(buf[:k], marker) {
				got <- struct{}{}
				return
			}
		}
	}()
	var conn net.Conn
	err = src.ns.Do(func() error {
		d := net.Dialer{LocalAddr: net.UDPAddrFromAddrPort(bindAddr(src, p)), Control: func(nw, a string, c syscall.RawConn) error {
			if err := reuse(nw, a, c); err != nil {
				return err
			}
			var serr error
			c.Control(func(fd uintptr) {
				// Report every ICMP error, not only the "hard" ones.
				if p.IPv6 {
					serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
				} else {
					serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVERR, 1)
				}
			})
			return serr
		}}
		var err error
		conn, err = d.Dial(nw, netip.AddrPortFrom(dst.addr, p.Port).String())
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("udp socket: %w", err)
	}
	defer conn.Close()
	// A packet dropped in the host's output hook fails the send with
	// EPERM; a reject there also queues an ICMP error, so keep reading.
	note := fmt.Sprintf("no datagram and no error within %v", deadline)
	if _, err := conn.Write(marker); err != nil {
		if !errors.Is(err, syscall.EPERM) {
			return outcome{}, fmt.Errorf("send: %w", err)
		}
		note = "send: " + err.Error()
	}
	sent := make(chan error, 1)
	conn.SetReadDeadline(time.Now().Add(deadline))
	go func() {
		_, err := conn.Read(make([]byte, 2048))
		sent <- err
	}()
	select {
	case <-got:
		return outcome{Accept, "listener received the datagram"}, nil
	case err := <-sent:
		select {
		case <-got:
			return outcome{Accept, "listener received the datagram"}, nil
		default:
		}
		v, ok := classify(err)
		if err == nil || !ok {
			return outcome{}, fmt.Errorf("unexpected answer on the sending socket: %v", err)
		}
		if v == Drop {
			return outcome{Drop, note}, nil
		}
		return outcome{v, "sender saw: " + err.Error()}, nil
	}
}
