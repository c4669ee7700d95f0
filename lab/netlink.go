package lab

import (
	"encoding/binary"
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// flushNeighbours deletes the learned (not permanent) neighbour entries
// of both families in ns, as `ip neigh flush all` does, over netlink
// without starting a process: forged ARP and NDP probes need it often,
// and process starts are slow under emulation.
func flushNeighbours(ns *NS) error {
	return ns.Do(func() error {
		dump, err := syscall.NetlinkRIB(unix.RTM_GETNEIGH, unix.AF_UNSPEC)
		if err != nil {
			return fmt.Errorf("%s: list neighbours: %w", ns.Name, err)
		}
		msgs, err := syscall.ParseNetlinkMessage(dump)
		if err != nil {
			return fmt.Errorf("%s: list neighbours: %w", ns.Name, err)
		}
		fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		for seq, m := range msgs {
			if m.Header.Type != unix.RTM_NEWNEIGH || len(m.Data) < unix.SizeofNdMsg {
				continue
			}
			nd := (*unix.NdMsg)(unsafe.Pointer(&m.Data[0]))
			if nd.State&(unix.NUD_PERMANENT|unix.NUD_NOARP) != 0 {
				continue
			}
			if err := deleteNeighbour(fd, uint32(seq+1), m.Data); err != nil {
				return fmt.Errorf("%s: flush neighbours: %w", ns.Name, err)
			}
		}
		return nil
	})
}

// deleteNeighbour sends RTM_DELNEIGH for a dumped entry (its ndmsg and
// attributes as they came) and waits for the kernel's answer.
func deleteNeighbour(fd int, seq uint32, entry []byte) error {
	err := netlinkRequest(fd, unix.RTM_DELNEIGH, seq, entry)
	if err == syscall.ENOENT {
		return nil // the entry went away on its own meanwhile
	}
	return err
}

// netlinkRequest sends one message of type typ with body (everything
// after the header) as a request with an acknowledgement, and returns the
// error the kernel answers with, if any.
func netlinkRequest(fd int, typ uint16, seq uint32, body []byte) error {
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(body))
	msg = append(msg, body...)
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	binary.NativeEndian.PutUint32(msg[8:], seq)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	replies, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, r := range replies {
		if r.Header.Type == unix.NLMSG_ERROR && len(r.Data) >= 4 {
			if e := -int32(binary.NativeEndian.Uint32(r.Data)); e != 0 {
				return syscall.Errno(e)
			}
		}
	}
	return nil
}
