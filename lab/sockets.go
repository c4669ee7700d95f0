package lab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/fwc-project/fwc/lab/packet"
	"golang.org/x/sys/unix"
)

// outcome is what one probe saw.
type outcome struct {
	v      Verdict
	detail string
}

// newMarker returns 16 random bytes that identify one probe's packets.
func newMarker() []byte {
	m := make([]byte, 16)
	rand.Read(m)
	copy(m, "fwclab")
	return m
}

// classify turns a socket error into a verdict. EPERM is netfilter
// dropping a locally generated packet in an output hook.
func classify(err error) (Verdict, bool) {
	var ne net.Error
	switch {
	case err == nil:
		return Accept, true
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return Drop, true
	case errors.Is(err, syscall.EPERM):
		return Drop, true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EACCES):
		return Reject, true
	}
	return 0, false
}

func network(proto string, v6 bool) string {
	if v6 {
		return proto + "6"
	}
	return proto + "4"
}

// bindAddr is the local address a source socket binds: the guest's own
// address (so a multi-address namespace sends from the planned one) and
// the chosen source port.
func bindAddr(src end, p *Probe) netip.AddrPort {
	a := src.addr
	if p.Src.Kind == Host && !p.Src.Addr.IsValid() {
		a = netip.Addr{}
	}
	return netip.AddrPortFrom(a, p.SPort)
}

func reuse(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// probeTCP connects from src to dst:port on a socket of its own making:
// the kernel may take an ICMP error on a SYN as a soft error and keep
// retrying (TCP over IPv6 does on recent kernels), so a timeout also
// reads the error queue, where IP_RECVERR puts such errors. The
// listener accepts, and both sides close with RST, so no TIME_WAIT
// blocks a later probe's ports.
func (n *Net) probeTCP(p *Probe, src, dst end, deadline time.Duration) (outcome, error) {
	var ln *net.TCPListener
	err := dst.ns.Do(func() error {
		lc := net.ListenConfig{Control: reuse}
		l, err := lc.Listen(context.Background(), network("tcp", p.IPv6), fmt.Sprintf(":%d", p.Port))
		if err == nil {
			ln = l.(*net.TCPListener)
		}
		return err
	})
	if err != nil {
		return outcome{}, fmt.Errorf("listen in %s: %w", dst.ns.Name, err)
	}
	// The accepted side stays open until the dialer has seen the
	// handshake complete; closing it early would reset the connect.
	accepted := make(chan *net.TCPConn, 1)
	go func() {
		c, _ := ln.AcceptTCP()
		accepted <- c
	}()
	defer func() {
		ln.Close()
		if c := <-accepted; c != nil {
			c.SetLinger(0)
			c.Close()
		}
	}()
	var fd int
	err = src.ns.Do(func() error {
		var err error
		fd, err = socketFor(p, unix.SOCK_STREAM, bindAddr(src, p))
		return err
	})
	if err != nil {
		return outcome{}, err
	}
	defer unix.Close(fd)
	to := sockaddr(netip.AddrPortFrom(dst.addr, p.Port))
	if err := unix.Connect(fd, to); err != unix.EINPROGRESS {
		return connected(err)
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for until := time.Now().Add(deadline); ; {
		left := time.Until(until)
		if left <= 0 {
			if e := queuedError(fd); e != "" {
				return outcome{Reject, "connect: " + e}, nil
			}
			return outcome{Drop, fmt.Sprintf("no answer within %v", deadline)}, nil
		}
		k, err := unix.Poll(fds, int(left/time.Millisecond)+1)
		if err == unix.EINTR || k == 0 {
			continue
		}
		if err != nil {
			return outcome{}, err
		}
		soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return outcome{}, err
		}
		if soerr == 0 {
			if _, err := unix.Getpeername(fd); err != nil {
				continue // woken by a queued soft error, still connecting
			}
			return connected(nil)
		}
		return connected(syscall.Errno(soerr))
	}
}

// connected classifies the end of a connect.
func connected(err error) (outcome, error) {
	v, ok := classify(err)
	switch {
	case !ok:
		return outcome{}, fmt.Errorf("connect: %w", err)
	case err == nil:
		return outcome{Accept, "connected"}, nil
	}
	return outcome{v, "connect: " + err.Error()}, nil
}

// socketFor opens a non-blocking socket of p's family bound to local,
// with address reuse, RST on close and every ICMP error reported.
func socketFor(p *Probe, typ int, local netip.AddrPort) (int, error) {
	domain, level, opt := unix.AF_INET, unix.IPPROTO_IP, unix.IP_RECVERR
	if p.IPv6 {
		domain, level, opt = unix.AF_INET6, unix.IPPROTO_IPV6, unix.IPV6_RECVERR
	}
	fd, err := unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	err = errors.Join(
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1),
		unix.SetsockoptInt(fd, level, opt, 1),
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0}),
	)
	if err == nil && (local.Addr().IsValid() || local.Port() != 0) {
		if !local.Addr().IsValid() {
			local = netip.AddrPortFrom(netip.IPv4Unspecified(), local.Port())
			if p.IPv6 {
				local = netip.AddrPortFrom(netip.IPv6Unspecified(), local.Port())
			}
		}
		if err = unix.Bind(fd, sockaddr(local)); err != nil {
			err = fmt.Errorf("bind %s: %w", local, err)
		}
	}
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func sockaddr(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Addr: ap.Addr().As4(), Port: int(ap.Port())}
	}
	return &unix.SockaddrInet6{Addr: ap.Addr().As16(), Port: int(ap.Port())}
}

// queuedError reads an ICMP error from the socket's error queue and
// describes it, or returns "".
func queuedError(fd int) string {
	oob := make([]byte, 512)
	_, oobn, _, _, err := unix.Recvmsg(fd, make([]byte, 512), oob, unix.MSG_ERRQUEUE)
	if err != nil {
		return ""
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) == 0 || len(msgs[0].Data) < 8 {
		return "ICMP error queued"
	}
	d := msgs[0].Data // struct sock_extended_err
	errno := syscall.Errno(binary.NativeEndian.Uint32(d))
	return fmt.Sprintf("%v (ICMP type %d code %d)", errno, d[5], d[6])
}

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
