package tree

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/fwc-project/fwc/ir"
)

var equateIP = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

// expectNICs parses a guest config and compares its NICs (positions
// ignored) and its diagnostics ("line:col: severity: message [code]").
func expectNICs(t *testing.T, kind ir.GuestKind, conf string, want []NIC, wantDiags ...string) {
	t.Helper()
	var d ir.Diags
	got := ParseGuestConfig("c.conf", kind, []byte(conf), &d)
	if diff := cmp.Diff(want, got, equateIP, cmpopts.IgnoreTypes(ir.Pos{})); diff != "" {
		t.Errorf("%q: NICs (-want +got):\n%s", conf, diff)
	}
	var gotDiags []string
	for _, x := range d {
		gotDiags = append(gotDiags, strings.TrimPrefix(x.String(), "c.conf:"))
	}
	if diff := cmp.Diff(wantDiags, gotDiags); diff != "" {
		t.Errorf("%q: diagnostics (-want +got):\n%s", conf, diff)
	}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

func TestQEMUConfig(t *testing.T) {
	expectNICs(t, ir.VM, "net0: virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=5", []NIC{{Index: 0, MAC: "bc:24:11:aa:bb:cc", Bridge: "vmbr0", Firewall: true, Tag: 5}})
	expectNICs(t, ir.VM, "net3: e1000=bc:24:11:00:00:01,bridge=vmbr1,firewall=0", []NIC{{Index: 3, MAC: "bc:24:11:00:00:01", Bridge: "vmbr1"}})
	expectNICs(t, ir.VM, "net0: model=virtio,macaddr=bc:24:11:00:00:02,bridge=vmbr0", []NIC{{MAC: "bc:24:11:00:00:02", Bridge: "vmbr0"}})
	expectNICs(t, ir.VM, "net0:e1000,bridge=vmbr0,rate=10,queues=4", []NIC{{Bridge: "vmbr0"}})
	expectNICs(t, ir.VM, "net0: ne2k_isa=bc:24:11:00:00:03\r\n", []NIC{{MAC: "bc:24:11:00:00:03"}})
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:0g,bridge=vmbr0", []NIC{{Bridge: "vmbr0"}},
		`1:14: error: invalid virtio value "bc:24:11:00:00:0g": want a MAC address like bc:24:11:00:00:01 [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc-24-11-00-00-01", []NIC{{}},
		`1:14: error: invalid virtio value "bc-24-11-00-00-01": want a MAC address like bc:24:11:00:00:01 [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,firewall=2", []NIC{{MAC: "bc:24:11:00:00:01"}},
		`1:41: error: invalid firewall value "2": want 0 or 1 [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,firewall", []NIC{{MAC: "bc:24:11:00:00:01"}},
		`1:32: error: invalid firewall value "": want 0 or 1 [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,tag=0", []NIC{{MAC: "bc:24:11:00:00:01"}},
		`1:36: error: invalid tag value "0": want a VLAN id from 1 to 4094 [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,tag=5,trunks=30-40;10;20;35-41;42", []NIC{{MAC: "bc:24:11:00:00:01", Tag: 5,
		Trunks: []ir.VLANRange{{Lo: 10, Hi: 10}, {Lo: 20, Hi: 20}, {Lo: 30, Hi: 42}}}})
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,trunks=10;0", []NIC{{MAC: "bc:24:11:00:00:01"}},
		`1:39: error: invalid trunks value "10;0": want VLAN ids from 1 to 4094 and ranges, separated by ';' (10;20-30) [guest-config]`)
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,trunks=20-10", []NIC{{MAC: "bc:24:11:00:00:01"}},
		`1:39: error: invalid trunks value "20-10": want VLAN ids from 1 to 4094 and ranges, separated by ';' (10;20-30) [guest-config]`)
	// ip= is an LXC property; a VM's is ignored like any unknown one.
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01,ip=bad,hwaddr=bad", []NIC{{MAC: "bc:24:11:00:00:01"}})
}

func TestLXCConfig(t *testing.T) {
	expectNICs(t, ir.CT, "net0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:04,ip=10.0.0.5/24,gw=10.0.0.1,ip6=fd00::5/64,gw6=fd00::1,type=veth",
		[]NIC{{MAC: "bc:24:11:00:00:04", Bridge: "vmbr0", Firewall: true, Addrs: []netip.Prefix{pfx("10.0.0.5/24"), pfx("fd00::5/64")}, Gateways: []netip.Addr{addr("10.0.0.1"), addr("fd00::1")}}})
	expectNICs(t, ir.CT, "net1: name=eth1,ip=dhcp,ip6=auto,hwaddr=bc:24:11:00:00:05", []NIC{{Index: 1, MAC: "bc:24:11:00:00:05"}})
	expectNICs(t, ir.CT, "net1: name=eth1,ip=manual,ip6=dhcp", []NIC{{Index: 1}})
	expectNICs(t, ir.CT, "net1: name=eth1,ip6=manual,tag=100", []NIC{{Index: 1, Tag: 100}})
	expectNICs(t, ir.CT, "net0: name=eth0,ip=10.0.0.5", []NIC{{}},
		`1:20: error: invalid ip value "10.0.0.5": want an IPv4 CIDR, dhcp or manual [guest-config]`)
	expectNICs(t, ir.CT, "net0: name=eth0,ip=fd00::1/64", []NIC{{}},
		`1:20: error: invalid ip value "fd00::1/64": want an IPv4 CIDR, dhcp or manual [guest-config]`)
	expectNICs(t, ir.CT, "net0: name=eth0,ip6=auto,ip=auto", []NIC{{}},
		`1:29: error: invalid ip value "auto": want an IPv4 CIDR, dhcp or manual [guest-config]`)
	expectNICs(t, ir.CT, "net0: name=eth0,ip6=10.0.0.1/8", []NIC{{}},
		`1:21: error: invalid ip6 value "10.0.0.1/8": want an IPv6 CIDR, auto, dhcp or manual [guest-config]`)
	expectNICs(t, ir.CT, "net0: name=eth0,gw=fd00::1,gw6=10.0.0.1", []NIC{{}},
		`1:20: error: invalid gw value "fd00::1": want an IPv4 address [guest-config]`,
		`1:32: error: invalid gw6 value "10.0.0.1": want an IPv6 address [guest-config]`)
	expectNICs(t, ir.CT, "net0: name=eth0,hwaddr=00:11:22", []NIC{{}},
		`1:24: error: invalid hwaddr value "00:11:22": want a MAC address like bc:24:11:00:00:01 [guest-config]`)
	// virtio= is a QEMU model; in a container config it means nothing.
	expectNICs(t, ir.CT, "net0: name=eth0,virtio=bad", []NIC{{}})
}

func TestGuestConfigLines(t *testing.T) {
	// Sorted by index; other keys, comments and snapshots are skipped.
	expectNICs(t, ir.VM, "#net5: virtio=bad\nboot: order=scsi0\nnet1: virtio=bc:24:11:00:00:01\nnetx: y\nnet2\nnet0: e1000=bc:24:11:00:00:02\n[snap1]\nnet3: virtio=bc:24:11:00:00:03\n",
		[]NIC{{Index: 0, MAC: "bc:24:11:00:00:02"}, {Index: 1, MAC: "bc:24:11:00:00:01"}})
	expectNICs(t, ir.VM, "net0: virtio=bc:24:11:00:00:01\nnet0: virtio=bc:24:11:00:00:02\n",
		[]NIC{{MAC: "bc:24:11:00:00:01"}},
		`2:1: error: duplicate key "net0"; the first is used [guest-config]`)
	expectNICs(t, ir.VM, "net32: virtio=bc:24:11:00:00:01", []NIC{{Index: 32, MAC: "bc:24:11:00:00:01"}},
		`1:1: warning: network device index 32 is above 31 [nic-index]`)
	expectNICs(t, ir.VM, "net31: virtio=bc:24:11:00:00:01", []NIC{{Index: 31, MAC: "bc:24:11:00:00:01"}})
	expectNICs(t, ir.VM, "net99999999999999999999: virtio=bc:24:11:00:00:01", nil,
		`1:1: error: invalid network device key "net99999999999999999999" [guest-config]`)
	expectNICs(t, ir.VM, "", nil)
}

func TestGuestConfigPositions(t *testing.T) {
	// Columns count runes; the offset counts bytes.
	conf := "description: é\nnet0: virtio=zz\nnet0: virtio=bc:24:11:00:00:01\n"
	var d ir.Diags
	nics := ParseGuestConfig("c.conf", ir.VM, []byte(conf), &d)
	wantNIC := ir.Pos{Filename: "c.conf", Offset: 16, Line: 2, Column: 1}
	if nics[0].Pos != wantNIC {
		t.Errorf("NIC at %#v, want %#v", nics[0].Pos, wantNIC)
	}
	want := ir.Diags{
		{Pos: ir.Pos{Filename: "c.conf", Offset: 29, Line: 2, Column: 14}, Severity: ir.CodeGuestConfig.Severity(), Code: ir.CodeGuestConfig, Message: `invalid virtio value "zz": want a MAC address like bc:24:11:00:00:01`},
		{Pos: ir.Pos{Filename: "c.conf", Offset: 32, Line: 3, Column: 1}, Severity: ir.CodeGuestConfig.Severity(), Code: ir.CodeGuestConfig, Message: `duplicate key "net0"; the first is used`,
			Related: []ir.Related{{Pos: wantNIC, Message: "first defined here"}}},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
