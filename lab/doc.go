// Package lab is fwc's kernel lab: it checks compiled rulesets by sending
// real packets through a real kernel.
//
// A scenario (testdata/lab/*.txtar, grammar in testdata/lab/README.md)
// holds an input tree and expectation lines. The lab builds the network a
// Proxmox node with those guests would have, in fresh network namespaces
// (Plan, Build): a host with one Linux bridge per bridge in use, a
// namespace per guest NIC behind a veth named tap<vmid>i<N> or
// veth<vmid>i<N>, and an outside namespace on the uplink. It loads the
// compiled ruleset into the host namespace with the real tool (Loader,
// NFT), then runs each probe and compares the verdict it observed, by
// sockets or by forged frames seen (or not) at the target, with the
// expected one.
//
// Namespaces are anonymous and held by file descriptors of the test
// process, so parallel scenarios never collide and nothing outlives the
// process. Kernel features some rulesets need (bridge conntrack, bridge
// reject) are probed once (KernelCaps); scenarios that require a missing
// one are skipped with the reason.
package lab
