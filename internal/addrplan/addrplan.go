// Package addrplan is the kernel lab's address plan: which subnets,
// addresses and MACs a node's bridges, guest NICs and uplink get when the
// configuration does not say. The lab builds namespaces with it and fwc
// explain assumes it, so a lab probe and an explain question about the
// same endpoints name the same packet.
package addrplan

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
)

var vmbrNum = regexp.MustCompile(`^vmbr([0-9]{1,3})$`)

// BridgeNumbers numbers bridges for their subnets: vmbrN with N < 200
// keeps N, the others get numbers from 200 up in name order.
func BridgeNumbers(names []string) (map[string]int, error) {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	nums := map[string]int{}
	used := map[int]bool{}
	for _, n := range sorted {
		if m := vmbrNum.FindStringSubmatch(n); m != nil {
			if v, _ := strconv.Atoi(m[1]); v < 200 {
				nums[n], used[v] = v, true
			}
		}
	}
	next := 200
	for _, n := range sorted {
		if _, ok := nums[n]; ok {
			continue
		}
		for used[next] {
			next++
		}
		if next > 255 {
			return nil, errors.New("too many bridges for the lab's address plan")
		}
		nums[n], used[next] = next, true
	}
	return nums, nil
}

// V4 is host part host on bridge num's IPv4 subnet: 10.0.<num>.<host>/24.
func V4(num, host int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(num), byte(host)}), 24)
}

// V6 writes the host part with the digits of the IPv4 one, so
// 10.0.1.110 pairs with fd00:1::110.
func V6(num, host int) netip.Prefix {
	return netip.MustParsePrefix(fmt.Sprintf("fd00:%x::%d/64", num, host))
}

// FirstGuestHost is where a guest NIC without a static address starts
// looking for a free host part on its bridge (then counts up to 254).
func FirstGuestHost(vmid int) int { return 10 + vmid%200 }

// HostHost and OutsideHost are the host parts of the host on every bridge
// and of outside on a bridged uplink.
const (
	HostHost    = 1
	OutsideHost = 254
)

// BridgeMAC is the host's MAC on bridge num.
func BridgeMAC(num int) net.HardwareAddr { return net.HardwareAddr{0x02, 0xfc, 0, 0, byte(num), 1} }

// NICMAC is the MAC of a guest NIC whose config gives none.
func NICMAC(vmid, index int) net.HardwareAddr {
	return net.HardwareAddr{0x02, 0xfc, byte(vmid >> 16), byte(vmid >> 8), byte(vmid), byte(index)}
}

// The uplink: the host's side and outside's, and their addresses when the
// uplink is routed (eth0, not a bridge port).
var (
	UplinkHostMAC    = net.HardwareAddr{0x02, 0xfc, 0xff, 0, 0, 1}
	UplinkOutsideMAC = net.HardwareAddr{0x02, 0xfc, 0xff, 0, 0, 2}
	RoutedHost       = []netip.Prefix{netip.MustParsePrefix("192.0.2.1/24"), netip.MustParsePrefix("2001:db8::1/64")}
	RoutedOutside    = []netip.Prefix{netip.MustParsePrefix("192.0.2.2/24"), netip.MustParsePrefix("2001:db8::2/64")}
)
