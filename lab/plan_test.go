package lab

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/tree"
)

func pfx(s ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, x := range s {
		out = append(out, netip.MustParsePrefix(x))
	}
	return out
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, x := range s {
		out = append(out, netip.MustParseAddr(x))
	}
	return out
}

func mac(s string) net.HardwareAddr {
	m, _ := net.ParseMAC(s)
	return m
}

func TestPlan(t *testing.T) {
	tr := &tree.Tree{Guests: []tree.Guest{
		{VMID: 100, Kind: ir.VM, NICs: []tree.NIC{{Index: 0, MAC: "02:00:00:00:01:00", Bridge: "vmbr0", Firewall: true}}},
		{VMID: 101, Kind: ir.CT, NICs: []tree.NIC{{Index: 0, Bridge: "vmbr0",
			Addrs: pfx("10.0.0.50/24", "fd00::50/64"), Gateways: addrs("10.0.0.1")}}},
		{VMID: 102, Kind: ir.CT, NICs: []tree.NIC{{Index: 0, Bridge: "vmbr0",
			Addrs: pfx("192.168.5.10/24"), Gateways: addrs("192.168.5.1")}}},
		{VMID: 300, Kind: ir.VM, NICs: []tree.NIC{{Index: 0, Bridge: "vmbr1"}, {Index: 1, Bridge: "lan"}}},
		{VMID: 500, Kind: ir.VM, NICs: []tree.NIC{{Index: 0, Bridge: "vmbr0"}}},
	}}
	got, err := Plan(tr, "vmbr0")
	if err != nil {
		t.Fatal(err)
	}
	want := &Topology{
		Bridges: []Bridge{
			{Name: "lan", Num: 200, MAC: mac("02:fc:00:00:c8:01"), Addrs: pfx("10.0.200.1/24", "fd00:c8::1/64")},
			{Name: "vmbr0", Num: 0, MAC: mac("02:fc:00:00:00:01"), Addrs: pfx("10.0.0.1/24", "fd00::1/64")},
			{Name: "vmbr1", Num: 1, MAC: mac("02:fc:00:00:01:01"), Addrs: pfx("10.0.1.1/24", "fd00:1::1/64")},
		},
		Ports: []Port{
			{VMID: 100, Kind: ir.VM, Name: "tap100i0", Bridge: "vmbr0", MAC: mac("02:00:00:00:01:00"),
				Addrs: pfx("10.0.0.110/24", "fd00::110/64"), Gateways: addrs("10.0.0.1", "fd00::1")},
			{VMID: 101, Kind: ir.CT, Name: "veth101i0", Bridge: "vmbr0", MAC: mac("02:fc:00:00:65:00"),
				Addrs: pfx("10.0.0.50/24", "fd00::50/64"), Gateways: addrs("10.0.0.1", "fd00::1")},
			{VMID: 102, Kind: ir.CT, Name: "veth102i0", Bridge: "vmbr0", MAC: mac("02:fc:00:00:66:00"),
				Addrs: pfx("192.168.5.10/24", "fd00::112/64"), Gateways: addrs("192.168.5.1", "fd00::1")},
			{VMID: 300, Kind: ir.VM, Name: "tap300i0", Bridge: "vmbr1", MAC: mac("02:fc:00:01:2c:00"),
				Addrs: pfx("10.0.1.110/24", "fd00:1::110/64"), Gateways: addrs("10.0.1.1", "fd00:1::1")},
			{VMID: 300, Kind: ir.VM, Index: 1, Name: "tap300i1", Bridge: "lan", MAC: mac("02:fc:00:01:2c:01"),
				Addrs: pfx("10.0.200.110/24", "fd00:c8::110/64"), Gateways: addrs("10.0.200.1", "fd00:c8::1")},
			// 10+500%200 is taken by vm100 on the same bridge.
			{VMID: 500, Kind: ir.VM, Name: "tap500i0", Bridge: "vmbr0", MAC: mac("02:fc:00:01:f4:00"),
				Addrs: pfx("10.0.0.111/24", "fd00::111/64"), Gateways: addrs("10.0.0.1", "fd00::1")},
		},
		Uplink: Uplink{Bridge: "vmbr0", HostMAC: mac("02:fc:ff:00:00:01"), OutsideMAC: mac("02:fc:ff:00:00:02"),
			OutsideAddr: pfx("10.0.0.254/24", "fd00::254/64"), Gateways: addrs("10.0.0.1", "fd00::1"),
			Upstream: addrs("10.0.0.254", "fd00::254")},
	}
	opts := []cmp.Option{cmpAddr, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pfx("192.168.5.1/24"), got.HostGateways("vmbr0"), opts...); diff != "" {
		t.Errorf("HostGateways (-want +got):\n%s", diff)
	}
	routed, err := Plan(&tree.Tree{}, "")
	if err != nil {
		t.Fatal(err)
	}
	wantUp := Uplink{HostMAC: mac("02:fc:ff:00:00:01"), OutsideMAC: mac("02:fc:ff:00:00:02"),
		HostAddrs: pfx("192.0.2.1/24", "2001:db8::1/64"), OutsideAddr: pfx("192.0.2.2/24", "2001:db8::2/64"),
		Gateways: addrs("192.0.2.1", "2001:db8::1"), Upstream: addrs("192.0.2.2", "2001:db8::2")}
	if diff := cmp.Diff(wantUp, routed.Uplink, opts...); diff != "" {
		t.Errorf("routed uplink (-want +got):\n%s", diff)
	}
}

func TestPlanErrors(t *testing.T) {
	pos := ir.Pos{Filename: "100.conf", Line: 1, Column: 1}
	tests := []struct {
		nic  tree.NIC
		vmid int
		want string
	}{
		{tree.NIC{Bridge: ""}, 100, "net0 has no bridge"},
		{tree.NIC{Bridge: "vmbr0", MAC: "zz"}, 100, `net0: bad MAC "zz"`},
		{tree.NIC{Bridge: "vmbr0"}, 10000000000, "interface name tap10000000000i0 is longer than the kernel's 15 characters"},
	}
	for _, tt := range tests {
		_, err := Plan(&tree.Tree{Guests: []tree.Guest{{Pos: pos, VMID: tt.vmid, NICs: []tree.NIC{tt.nic}}}}, "")
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("Plan(%+v) = %v, want …%s", tt.nic, err, tt.want)
		}
	}
}
