// Package nft writes an ir.Ruleset as an nftables script for `nft -f`.
//
// The script owns exactly two tables, `inet fwc` (the host: input, output,
// forward) and `bridge fwc` (the guests), and replaces both in one
// transaction: each table is declared, deleted and defined again, so loading
// the script never fails on a first run and never touches other tables.
//
// Host chains follow PVE's order (conntrack, NDP, blacklist, synflood,
// smurfs, TCP flags, IGMP, user rules, allowances, policy). Every policy is
// written as explicit rules at the end of its chain; base chains keep policy
// accept so a half-loaded state can never lock the host out.
//
// Guests get one chain per firewalled NIC and direction, reached through
// verdict maps, so the per-packet cost does not grow with the number of
// guests. Traffic towards a guest is filtered twice over, see guest.go for
// why: REJECT only works in the bridge prerouting hook.
package nft
