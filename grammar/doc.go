// Package grammar parses Proxmox VE firewall files (cluster.fw, host.fw,
// <vmid>.fw and SDN VNet files) into a syntax tree that keeps every value as
// written, with its position. A .fw file is line-oriented: section headers
// ([OPTIONS], [RULES], [ALIASES], [IPSET name], [group name]) switch what the
// following lines are, and "#" starts a comment. Checking values is left to
// package lower. The format is described in the Proxmox VE administration
// guide, chapter "Proxmox VE Firewall".
package grammar
