// Package netdb holds the name tables fwc validates and emits against: IP
// protocols and service ports of Debian netbase 6.4 (what a PVE node's
// /etc/protocols and /etc/services say), and the ICMP and ICMPv6 type names
// of iptables and nftables.
//
// The tables are compiled in, never read from the host, so fwc's output is
// the same on every machine. netbase_table.go is generated from the netbase
// files and committed; regenerate it with go generate on a netbase 6.4 system.
package netdb

//go:generate go run ./internal/gennetbase -o netbase_table.go
