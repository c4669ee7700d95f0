package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// probeTCP connects from src to dst:port on a socket of its own making:
// the kernel may take an ICMP error on a SYN as a soft error and keep
// retrying (TCP over IPv6 does on recent kernels), so a timeout also
// reads the error queue, where IP_RECVERR puts such errors. The
// listener accepts, and both sides close with RST, so no TIME_WAIT
// blocks a later probe's ports.
func (n *Net) probeTCP(p *Probe, src, dst end, deadline time.Duration) (outcome, error) {
	var ln *net.TCPListener
	listen := func() error {
		lc := net.ListenConfig{Control: reuse}
		l, err := lc.Listen(context.Background(), network("tcp", p.IPv6), fmt.Sprintf(":%d", p.Port))
		if err == nil {
			ln = l.(*net.TCPListener)
		}
		return err
	}
	// The kernel can hold the port for a moment after the previous
	// probe's sockets closed (seen under emulation): try again briefly.
	err := dst.ns.Do(listen)
	for tries := 0; errors.Is(err, unix.EADDRINUSE) && tries < 40; tries++ {
		time.Sleep(50 * time.Millisecond)
		err = dst.ns.Do(listen)
	}
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
