package lab

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

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

// reuse lets a listener or a fixed source port be bound again at once.
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
