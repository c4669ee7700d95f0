// Package ir is fwc's resolved model of a firewall configuration: what the
// front end (grammar, lower) produces and what every emitter and the packet
// simulator consume. It is the leaf of the module: it imports nothing from
// fwc, and every other package may import it.
//
// The model is plain data: exported fields, slices instead of maps, net/netip
// values for addresses, and a source position on everything that came from a
// configuration line, so later stages can point back at the line responsible.
package ir
