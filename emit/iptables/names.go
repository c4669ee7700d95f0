package iptables

import (
	"fmt"
	"strings"
)

// Kernel name limits (pve-format.md §10.4). An ipset name may have 31
// characters; fwc replaces sets atomically through "<name>_swap", so its own
// names stop at 26.
const (
	maxChain = 28
	maxSet   = 31 - len("_swap")
)

// fnv31a is PVE's set-name digest: 32-bit FNV-1a with the top bit cleared.
func fnv31a(s string) uint32 {
	h := uint32(0x811c9dc5)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h & 0x7fffffff
}

// fit keeps name within max characters. A longer name keeps its head and
// gets "-" plus the digest of the whole name, so two long names that share
// a head still differ, and the same name always maps to the same result.
func fit(name string, max int) string {
	if len(name) <= max {
		return name
	}
	return fmt.Sprintf("%s-%08X", name[:max-9], fnv31a(name))
}

// chainName is an fwc chain name: "FWC-" plus base, within 28 characters.
func chainName(base string) string { return fit("FWC-"+base, maxChain) }

// setName is the kernel name of one family of an IR set. "dc/x" becomes
// FWC-0-x-v4 and "guest-100/x" FWC-100-x-v4, as PVE numbers its scopes.
func setName(scoped string, v6 bool) string {
	scope, name, _ := strings.Cut(scoped, "/")
	switch {
	case scope == "dc":
		scope = "0"
	case strings.HasPrefix(scope, "guest-"):
		scope = strings.TrimPrefix(scope, "guest-")
	}
	return fit("FWC-"+scope+"-"+name+famSuffix(v6), maxSet)
}

func famSuffix(v6 bool) string {
	if v6 {
		return "-v6"
	}
	return "-v4"
}

// Fixed chain names, shared by both families.
var (
	chInput      = chainName("INPUT")
	chOutput     = chainName("OUTPUT")
	chForward    = chainName("FORWARD")
	chPrerouting = chainName("PREROUTING")
	chHostIn     = chainName("HOST-IN")
	chHostOut    = chainName("HOST-OUT")
	chHostFwd    = chainName("HOST-FWD")
	chGuestIn    = chainName("GUEST-IN")
	chGuestOut   = chainName("GUEST-OUT")
	chAcceptMark = chainName("SET-ACCEPT-MARK")
	chReject     = chainName("reject")
	chDrop       = chainName("Drop")
	chRejectPol  = chainName("Reject")
	chBroadcast  = chainName("DropBroadcast")
	chSmurfs     = chainName("smurfs")
	chSmurfLog   = chainName("smurflog")
	chTCPFlags   = chainName("tcpflags")
	chLogFlags   = chainName("logflags")
	chBlacklist  = chainName("blacklist")
	chBridge     = chainName("BRIDGE") // ebtables
)
