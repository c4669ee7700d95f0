package lab

import (
	"encoding/binary"
	"fmt"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// nfnetlink_log's message types, configuration attributes and packet
// attributes (linux/netfilter/nfnetlink_log.h); x/sys/unix lacks them.
const (
	nfulnlMsgPacket  = 0
	nfulnlMsgConfig  = 1
	nfulaCfgCmd      = 1
	nfulaCfgMode     = 2
	nfulaCfgQThresh  = 4
	nfulnlCfgCmdBind = 1
	nfulnlCopyMeta   = 1
	nfulaPrefix      = 10
)

// nflog reads the log messages the ruleset sends to one nflog group of a
// namespace, as pvefw-logger does: one message per logged packet, with the
// rule's prefix.
type nflog struct {
	fd int
}

// openNFLOG binds group in ns. The kernel queues messages only once a
// socket is bound, so a scenario binds before its first probe.
func openNFLOG(ns *NS, group uint16) (*nflog, error) {
	l := &nflog{fd: -1}
	err := ns.Do(func() error {
		fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_NETFILTER)
		if err != nil {
			return err
		}
		l.fd = fd
		if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
			return err
		}
		// Bind the group, copy only metadata (the prefix is all the lab
		// reads), and flush after every packet rather than batching.
		if err := l.config(group, nfulaCfgCmd, []byte{nfulnlCfgCmdBind}); err != nil {
			return fmt.Errorf("bind nflog group %d: %w", group, err)
		}
		if err := l.config(group, nfulaCfgMode, []byte{0, 0, 0, 0, nfulnlCopyMeta, 0}); err != nil {
			return fmt.Errorf("nflog copy mode: %w", err)
		}
		return l.config(group, nfulaCfgQThresh, binary.BigEndian.AppendUint32(nil, 1))
	})
	if err != nil {
		l.close()
		return nil, fmt.Errorf("%s: nflog: %w", ns.Name, err)
	}
	return l, nil
}

func (l *nflog) close() {
	if l.fd >= 0 {
		unix.Close(l.fd)
	}
}

// config sends one NFULNL_MSG_CONFIG attribute for group and waits for
// the kernel's acknowledgement.
func (l *nflog) config(group uint16, attr uint16, val []byte) error {
	body := []byte{unix.AF_UNSPEC, unix.NFNETLINK_V0}
	body = binary.BigEndian.AppendUint16(body, group)
	body = binary.NativeEndian.AppendUint16(body, uint16(4+len(val)))
	body = binary.NativeEndian.AppendUint16(body, attr)
	body = append(body, val...)
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	return netlinkRequest(l.fd, unix.NFNL_SUBSYS_ULOG<<8|nfulnlMsgConfig, 0, body)
}

// read returns the prefixes of the messages that arrive until wait has
// passed without one.
func (l *nflog) read(wait time.Duration) ([]string, error) {
	var prefixes []string
	buf := make([]byte, 65536)
	for {
		fds := []unix.PollFd{{Fd: int32(l.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(wait/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return prefixes, err
		}
		if n == 0 {
			return prefixes, nil
		}
		k, _, err := unix.Recvfrom(l.fd, buf, unix.MSG_DONTWAIT)
		if err != nil {
			return prefixes, fmt.Errorf("nflog: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:k])
		if err != nil {
			return prefixes, fmt.Errorf("nflog: %w", err)
		}
		for _, m := range msgs {
			if m.Header.Type != unix.NFNL_SUBSYS_ULOG<<8|nfulnlMsgPacket || len(m.Data) < 4 {
				continue
			}
			prefixes = append(prefixes, attrString(m.Data[4:], nfulaPrefix))
		}
	}
}

// attrString finds a netlink attribute and returns it as a C string.
func attrString(b []byte, typ uint16) string {
	for len(b) >= 4 {
		n := int(binary.NativeEndian.Uint16(b))
		if n < 4 || n > len(b) {
			break
		}
		if binary.NativeEndian.Uint16(b[2:])&^unix.NLA_F_NESTED == typ {
			v := b[4:n]
			for i, c := range v {
				if c == 0 {
					return string(v[:i])
				}
			}
			return string(v)
		}
		b = b[(n+3)&^3:]
	}
	return ""
}
