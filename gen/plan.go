package gen

import (
	"fmt"
	"net/netip"
	"path/filepath"
)

// guest is one planned VM or container.
type guest struct {
	index int // 0-based position, the basis of its addresses
	vmid  int
	ct    bool
	role  *role
	nics  []nic
	// template guests carry their role's rules and options unchanged, so
	// their .fw files are identical to each other.
	template bool
}

// nic is one planned netN line.
type nic struct {
	index    int
	bridge   string
	tag      int // VLAN tag, 0 for none
	firewall bool
	mac      string
	v4, v6   netip.Addr
}

func (g *guest) name() string { return fmt.Sprintf("%s-%04d", g.role.name, g.index) }

func (g *guest) confPath() string {
	dir := "qemu-server"
	if g.ct {
		dir = "lxc"
	}
	return filepath.Join("nodes", Node, dir, fmt.Sprintf("%d.conf", g.vmid))
}

func (g *guest) fwPath() string { return filepath.Join("firewall", fmt.Sprintf("%d.fw", g.vmid)) }

// planGuests decides every guest's role, kind and NICs before any file is
// written, because cluster IP sets list the addresses of some roles.
func (b *builder) planGuests() {
	vmid := 100
	for i := 0; i < b.opts.Guests; i++ {
		r := b.pickRole()
		g := guest{index: i, vmid: vmid, role: r, ct: b.chance(r.ctShare), template: b.chance(0.5)}
		n := 1
		if x := b.rng.Float64(); x < 0.1 {
			n = 3
		} else if x < 0.4 {
			n = 2
		}
		for k := 0; k < n; k++ {
			g.nics = append(g.nics, b.planNIC(&g, k))
		}
		b.guests = append(b.guests, g)
		vmid++
		if b.chance(0.1) {
			vmid += 1 + b.rng.IntN(20) // deleted guests leave gaps
		}
	}
}

// planNIC puts net0 on vmbr0 (in the role's VLAN), net1 on the backend
// bridge vmbr1 and net2 on vmbr2 or vmbr3. Every NIC has its own address
// in a /12 per index: 10.64/12, 10.80/12, 10.96/12 and fd00:64:N::/64.
func (b *builder) planNIC(g *guest, k int) nic {
	n := nic{index: k, bridge: fmt.Sprintf("vmbr%d", k), firewall: true}
	switch k {
	case 0:
		n.tag = g.role.vlan
	case 2:
		n.bridge = pick(b, []string{"vmbr2", "vmbr3"})
		n.firewall = b.chance(0.8)
	}
	host := uint32(g.index + 2)
	v4 := uint32(10)<<24 | uint32(64+16*k)<<16 | host
	n.v4 = netip.AddrFrom4([4]byte{byte(v4 >> 24), byte(v4 >> 16), byte(v4 >> 8), byte(v4)})
	n.v6 = netip.AddrFrom16([16]byte{0: 0xfd, 3: 0x64, 5: byte(k), 12: byte(host >> 24), 13: byte(host >> 16), 14: byte(host >> 8), 15: byte(host)})
	m := g.vmid*4 + k
	n.mac = fmt.Sprintf("BC:24:11:%02X:%02X:%02X", byte(m>>16), byte(m>>8), byte(m))
	return n
}

// hasNIC reports whether the guest has netK with the firewall on.
func (g *guest) hasNIC(k int) bool { return k < len(g.nics) && g.nics[k].firewall }
