// Package iptables compiles an ir.Ruleset into an iptables bundle for
// iptables 1.8 (nf_tables backend): rules.v4 and rules.v6 for
// ip(6)tables-restore --noflush, ipsets for ipset restore, ebtables for
// ebtables-restore --noflush, and apply.sh, which loads them. The semantics
// are those of the nft backend (emit/nft), feature for feature; the layout
// follows PVE's pve-firewall (pve-format.md §7, §10) with FWC- names.
//
// # Chains
//
// Each built-in chain gets one jump into fwc, inserted once by apply.sh:
// INPUT → FWC-INPUT, OUTPUT → FWC-OUTPUT, FORWARD → FWC-FORWARD and raw
// PREROUTING → FWC-PREROUTING (conntrack helpers); in
// ebtables nat PREROUTING → FWC-BRIDGE (VLAN tags, MAC, ARP and
// layer2_protocols of what guests send, see ebtables.go).
// fwc's "accept" on the host is RETURN, as PVE's: the packet leaves fwc's
// chains and the built-in chain goes on. Chain names have at most 28
// characters and set names at most 26 (31 minus "_swap"); longer ones keep
// their head and end in "-" and the FNV-1a digest of the full name.
//
// # Guests: physdev and firewall bridges
//
// Guest NICs are matched with the physdev match on their own bridge ports
// (tap<vmid>i<N>, veth<vmid>i<N>), which needs br_netfilter to pass bridged
// traffic to iptables (apply.sh sets net.bridge.bridge-nf-call-ip{,6}tables=1
// when there are guests). On a plain Linux bridge that covers:
//   - guest to guest: one FORWARD pass, the sender's OUT chain, then the
//     receiver's IN chain;
//   - guest to or from the outside through a bridge port: FORWARD;
//   - guest to the host: the guest's OUT chain in INPUT, then the host's;
//   - guest through the host's routing: OUT chain, then host forward.
//
// It cannot cover traffic the host sends or routes to a guest: it leaves
// through the bridge device without a bridged pass, so no chain sees the
// guest's port, while the nft backend filters it in the bridge table. So
// apply.sh builds PVE's plumbing for every filtered NIC: a bridge
// fwbr<vmid>i<N> holding the guest's port and fwln<vmid>i<N>, one end of a
// veth pair whose other end fwpr<vmid>p<N> takes the port's place on its
// bridge. Host and routed traffic then crosses fwbr as bridged traffic with
// --physdev-out <port>, and guest-to-guest traffic meets the sender's OUT
// chain on one fwbr and the receiver's IN chain on the other. The chains
// are the same either way. apply.sh leaves a port alone when it is absent
// (run it again after starting the guest), already behind its fwbr (as on
// Proxmox VE, which builds the same plumbing for firewall=1), on a
// VLAN-aware bridge (whose per-port VLAN settings the move would lose; it
// warns that host traffic to that NIC is not filtered), or when FWC_NO_FWBR
// is set. It never takes the plumbing down again.
//
// Bridged traffic that is not to or from a filtered NIC leaves FWC-FORWARD
// without further checks: it is not routed traffic, so the host forward
// rules and policy_forward do not apply, as in the nft backend.
//
// # Accept mark
//
// A guest OUT chain must not end the traversal, or the receiver's IN chain
// would be skipped. Its accept therefore sets bit 31 of the packet mark and
// returns (-g FWC-SET-ACCEPT-MARK). The same bit carries ACCEPT out of
// chains entered with -j whose accept belongs to the caller: security
// groups (FWC-GROUP-<name>-IN|OUT|FWD, shared, never copied) and the policy
// noise lists FWC-Drop/FWC-Reject. Such a chain clears the bit first, and
// the caller tests it right after the jump with the same match, so a stale
// bit is never read.
//
// # REJECT
//
// REJECT goes to FWC-reject, PVE's PVEFW-reject: nothing is sent for
// broadcast, multicast or ICMP; TCP gets a reset, UDP port-unreachable,
// the rest admin-prohibited. FORWARD allows the REJECT target, so REJECT
// towards a guest really rejects, also for traffic from the host, routed
// traffic and flooded frames; there the nft backend can only drop (the lab
// scenarios fwc-guest-reject, fwc-guest-reject-paths, fwc-guest-policy-in,
// fwc-guest-routed and fwc-guest-container expect DROP for such probes,
// and this backend answers REJECT). The kernel routes an answer back to
// the sender before sending it out of the bridge port, so the host needs a
// route to the sender (an address on the bridge or a default route);
// without one the packet is only dropped. Answers on their way back to a firewalled guest
// carry a mark bit that its IN chain accepts before the conntrack check
// (see rejectMark); apply.sh turns on net.ipv{4,6}.fwmark_reflect for it.
//
// # Other choices
//
//   - Policies DROP and REJECT pass PVE's noise lists (§7.4) before their
//     logged verdict; their ICMP accepts use the calling chain's accept.
//   - ACCEPT policies are not logged (PVE). Blacklist drops are logged at
//     log_level_in (PVE: log_level_out, by accident).
//   - Synflood protection drops SYNs above the rate (PVE's hashlimit) in
//     host input, where the nft backend has it, rather than in PVE's raw
//     PREROUTING, which would count SYNs to guests too. Conntrack helpers
//     are attached in raw PREROUTING and open no port.
//   - Before the ipfilter check, a guest with DHCP may send DHCP requests
//     from 0.0.0.0, which no ipfilter set holds.
//   - Address lists longer than one iptables argument (1024 bytes) become
//     fwc ipsets FWC-list<N>-v4|v6; several address ranges become CIDRs;
//     multiport lists over 15 slots are split into several rules.
//   - Log rules use NFLOG (group 0 unless Options.LogGroup) with the prefix
//     ":<vmid>:<logid>:<chain>: <VERDICT>: ", rate-limited by log_ratelimit;
//     with Options.KernelLog, LOG with "<chain> <VERDICT>: " cut to LOG's
//     29 characters. Rule comments become -m comment.
package iptables
