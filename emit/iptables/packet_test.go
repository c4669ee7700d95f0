package iptables

import (
	"strings"
	"testing"

	"github.com/fwc-project/fwc/ir"
)

// netnsLib starts "machines": peer NAME runs a process in a new network
// namespace and records its pid in $NAME, so "on NAME cmd" runs cmd there.
// connect, from a peer or from "host" (the namespace the script runs in),
// prints "PORT accepted", "PORT refused" or "PORT dropped".
const netnsLib = `pids=
trap 'kill $pids 2>/dev/null' EXIT
peer() {
	unshare -n sleep 60 >/dev/null 2>&1 &
	pids="$pids $!"
	eval "$1=$!"
	while [ "$(readlink /proc/$!/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.05; done
	nsenter -t $! -n ip link set lo up
}
on() { _ns=$1; shift; eval nsenter -t \$$_ns -n '"$@"'; }
listen() { # port...
	for port; do busybox nc -ll -p "$port" -e /bin/true >/dev/null 2>&1 & pids="$pids $!"; done
	sleep 0.2
}
connect() { # from-peer ("host": this namespace) addr port
	from=on
	[ "$1" != host ] || from=
	if out=$($from ${from:+"$1"} busybox nc -w 2 "$2" "$3" </dev/null 2>&1); then echo "$3 accepted"
	elif echo "$out" | grep -q refused; then echo "$3 refused"
	else echo "$3 dropped"; fi
}
ip link set lo up
`

func checkVerdicts(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, "\n"+w+"\n") && !strings.HasPrefix(out, w+"\n") {
			t.Errorf("want %q in:\n%s", w, out)
		}
	}
}

// TestPacketsHost loads a host ruleset through apply.sh in one namespace
// and connects from another over a veth pair: TCP 80 is accepted by a
// rule, TCP 81 dropped by the input policy.
func TestPacketsHost(t *testing.T) {
	needSystem(t)
	t.Parallel()
	h := baseHost()
	h.In = []ir.Rule{{Family: ir.IPv4, Src: ir.Addr{Prefixes: pfx("10.9.0.2/32")}, Proto: "tcp", DPort: prs(port(80)), Verdict: ir.Accept}}
	dir := writeBundle(t, &ir.Ruleset{Node: "pve1", Enabled: true, Host: h, Sets: []ir.Set{mgmt}}, Options{})
	out, err := inNetns(t, netnsLib+`peer client
ip link add fwc0 type veth peer name fwc1
ip link set fwc1 netns $client
ip addr add 10.9.0.1/24 dev fwc0
ip link set fwc0 up
on client ip addr add 10.9.0.2/24 dev fwc1
on client ip link set fwc1 up
sh "$1/apply.sh"
listen 80 81
connect client 10.9.0.1 80
connect client 10.9.0.1 81
`, dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkVerdicts(t, out, "80 accepted", "81 dropped")
}

// TestPacketsBridge puts two guests on a plain bridge (tap100i0, tap101i0)
// and keeps them there (FWC_NO_FWBR=1), so a frame between them crosses
// FORWARD once, and shows the physdev chains and the accept mark at work:
// guest 101's OUT rule accepts TCP 81, yet guest 100's IN policy still
// drops it; guest 100's OUT rule rejects TCP 82 with a reset.
func TestPacketsBridge(t *testing.T) {
	needSystem(t)
	t.Parallel()
	guest := func(id int, mac string) ir.Guest {
		return ir.Guest{
			VMID: id, Enabled: true, PolicyIn: ir.Accept, PolicyOut: ir.Accept, MACFilter: true,
			NICs: []ir.NIC{{Iface: "tap" + itoa(id) + "i0", MAC: mac, Bridge: "vmbr0", Firewall: true}},
		}
	}
	g100, g101 := guest(100, "02:00:00:00:01:00"), guest(101, "02:00:00:00:01:01")
	g100.PolicyIn = ir.Drop
	g100.In = []ir.Rule{{Proto: "tcp", DPort: prs(port(80)), Verdict: ir.Accept}}
	g100.Out = []ir.Rule{{Proto: "tcp", DPort: prs(port(82)), Verdict: ir.Reject}}
	g101.Out = []ir.Rule{{Proto: "tcp", DPort: prs(port(81)), Verdict: ir.Accept}}
	h := baseHost()
	h.PolicyForward = ir.Drop // bridged traffic is not routed: this must not apply
	dir := writeBundle(t, &ir.Ruleset{Node: "pve1", Enabled: true, Host: h, Guests: []ir.Guest{g100, g101}, Sets: []ir.Set{mgmt}}, Options{})
	// The host needs a route back to the sender for REJECT to send its reset
	// (the kernel routes it before sending it out of the bridge port); a PVE
	// host has an address on its bridge or a default route.
	out, err := inNetns(t, netnsLib+`ip link add vmbr0 type bridge
ip addr add 10.9.1.1/24 dev vmbr0
ip link set vmbr0 up
for id in 100 101; do
	peer g$id
	ip link add tap${id}i0 type veth peer name eth0
	ip link set eth0 netns $(eval echo \$g$id)
	ip link set tap${id}i0 master vmbr0 up
	on g$id ip link set eth0 address 02:00:00:00:01:${id#1}
	on g$id ip addr add 10.9.1.$id/24 dev eth0
	on g$id ip link set eth0 up
done
FWC_NO_FWBR=1 sh "$1/apply.sh"
ip -o link show master vmbr0 | grep -q tap100i0
on g100 sh -c 'for p in 80 81; do busybox nc -ll -p $p -e /bin/true & done; sleep 30' >/dev/null 2>&1 & pids="$pids $!"
on g101 sh -c 'busybox nc -ll -p 82 -e /bin/true & sleep 30' >/dev/null 2>&1 & pids="$pids $!"
sleep 0.3
connect g101 10.9.1.100 80
connect g101 10.9.1.100 81
connect g100 10.9.1.101 82
`, dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkVerdicts(t, out, "80 accepted", "81 dropped", "82 refused")
}

// TestPacketsFwbr builds PVE's plumbing for one NIC itself (fwbr100i0
// holding tap100i0 and fwln100i0, whose peer fwpr100p0 is a port of vmbr0),
// as on a Proxmox VE host: apply.sh leaves it as it is, and the chains
// filter traffic the host itself sends to the guest: TCP 80 accepted by
// the guest's IN rule, 81 dropped by its policy.
func TestPacketsFwbr(t *testing.T) {
	needSystem(t)
	t.Parallel()
	g := ir.Guest{
		VMID: 100, Enabled: true, PolicyIn: ir.Drop, PolicyOut: ir.Accept,
		NICs: []ir.NIC{{Iface: "tap100i0", Bridge: "vmbr0", Firewall: true}},
		In:   []ir.Rule{{Proto: "tcp", DPort: prs(port(80)), Verdict: ir.Accept}},
	}
	h := baseHost()
	h.PolicyOut = ir.Accept
	dir := writeBundle(t, &ir.Ruleset{Node: "pve1", Enabled: true, Host: h, Guests: []ir.Guest{g}, Sets: []ir.Set{mgmt}}, Options{})
	out, err := inNetns(t, netnsLib+`ip link add vmbr0 type bridge
ip addr add 10.9.2.1/24 dev vmbr0
ip link set vmbr0 up
ip link add fwbr100i0 type bridge
ip link set fwbr100i0 up
ip link add fwln100i0 type veth peer name fwpr100p0
ip link set fwln100i0 master fwbr100i0 up
ip link set fwpr100p0 master vmbr0 up
peer g100
ip link add tap100i0 type veth peer name eth0
ip link set eth0 netns $g100
ip link set tap100i0 master fwbr100i0 up
on g100 ip addr add 10.9.2.100/24 dev eth0
on g100 ip link set eth0 up
sh "$1/apply.sh"
test "$(ip -o link show master vmbr0 | wc -l)" = 1 # fwpr100p0 only
on g100 sh -c 'for p in 80 81; do busybox nc -ll -p $p -e /bin/true & done; sleep 30' >/dev/null 2>&1 & pids="$pids $!"
sleep 0.3
for p in 80 81; do
	if busybox nc -w 2 10.9.2.100 $p </dev/null >/dev/null 2>&1; then echo "$p accepted"; else echo "$p dropped"; fi
done
`, dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkVerdicts(t, out, "80 accepted", "81 dropped")
}

// TestPacketsPlumbing starts from a plain bridge: apply.sh puts the NIC
// behind fwbr100i0 itself, so the guest's IN chain also filters what the
// host sends and what it routes from outside, REJECT included (where the
// nft backend can only drop); a second run changes nothing.
func TestPacketsPlumbing(t *testing.T) {
	needSystem(t)
	t.Parallel()
	g := ir.Guest{
		VMID: 100, Enabled: true, PolicyIn: ir.Drop, PolicyOut: ir.Accept,
		NICs: []ir.NIC{{Iface: "tap100i0", Bridge: "vmbr0", Firewall: true}},
		In: []ir.Rule{
			{Proto: "tcp", DPort: prs(port(80)), Verdict: ir.Accept},
			{Proto: "tcp", DPort: prs(port(82)), Verdict: ir.Reject},
		},
	}
	dir := writeBundle(t, &ir.Ruleset{Node: "pve1", Enabled: true, Host: baseHost(), Guests: []ir.Guest{g}, Sets: []ir.Set{mgmt}}, Options{})
	out, err := inNetns(t, netnsLib+`sysctl -q -w net.ipv4.ip_forward=1
ip link add vmbr0 type bridge
ip addr add 10.9.2.1/24 dev vmbr0
ip link set vmbr0 up
peer g100
ip link add tap100i0 type veth peer name eth0
ip link set eth0 netns $g100
ip link set tap100i0 master vmbr0 up
on g100 ip addr add 10.9.2.100/24 dev eth0
on g100 ip link set eth0 up
on g100 ip route add default via 10.9.2.1
peer outside
ip link add uplink type veth peer name eth0
ip link set eth0 netns $outside
ip addr add 192.0.2.1/24 dev uplink
ip link set uplink up
on outside ip addr add 192.0.2.2/24 dev eth0
on outside ip link set eth0 up
on outside ip route add default via 192.0.2.1
sh "$1/apply.sh"
sh "$1/apply.sh"
echo "fwbr100i0 ports: $(ip -o link show master fwbr100i0 | cut -d: -f2 | tr -d ' ' | cut -d@ -f1 | sort | tr '\n' ' ')"
echo "vmbr0 ports: $(ip -o link show master vmbr0 | cut -d: -f2 | tr -d ' ' | cut -d@ -f1 | sort | tr '\n' ' ')"
on g100 sh -c 'for p in 80 81 82; do busybox nc -ll -p $p -e /bin/true & done; sleep 30' >/dev/null 2>&1 & pids="$pids $!"
sleep 0.3
for p in 80 81 82; do
	echo "host $(connect host 10.9.2.100 $p)"
	echo "outside $(connect outside 10.9.2.100 $p)"
done
`, dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	checkVerdicts(t, out, "fwbr100i0 ports: fwln100i0 tap100i0 ", "vmbr0 ports: fwpr100p0 ",
		"host 80 accepted", "host 81 dropped", "host 82 refused",
		"outside 80 accepted", "outside 81 dropped", "outside 82 refused")
}
