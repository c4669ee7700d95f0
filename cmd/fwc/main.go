// Command fwc compiles Proxmox VE firewall configuration trees into nftables
// rulesets and checks them for editors and CI.
package main

import "os"

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }
