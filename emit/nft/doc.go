// Package nft prints a plan.Plan as an nftables script for `nft -f`.
//
// The script owns exactly two tables, `inet fwc` (the host: input, output,
// forward) and `bridge fwc` (the guests), and replaces both in one
// transaction: each table is declared, deleted and defined again, so loading
// the script never fails on a first run and never touches other tables.
//
// What the tables contain (chain order, built-in rules, policies, the
// dispatch of guest traffic) is decided by package plan; this package only
// spells plan elements in nft syntax (print.go: one case per condition,
// statement and verdict type), quotes strings and checks identifiers.
package nft
