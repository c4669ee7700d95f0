package lab

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Requirement names a kernel feature a scenario may need.
type Requirement string

// Kernel features scenarios can require (the "requires:" header).
const (
	BridgeConntrack Requirement = "bridge-conntrack" // ct state in bridge tables (nf_conntrack_bridge)
	BridgeReject    Requirement = "bridge-reject"    // reject in bridge tables (nft_reject_bridge)
)

// probes are tiny tables that load only when the kernel has the feature.
var capProbes = map[Requirement]string{
	BridgeConntrack: "table bridge fwclab_cap {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\tct state established accept\n\t}\n}\n",
	BridgeReject:    "table bridge fwclab_cap {\n\tchain c {\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tip protocol tcp reject with tcp reset\n\t}\n}\n",
}

// Caps is what the running kernel can do, with the reason for each
// missing feature.
type Caps map[Requirement]error

var (
	capsOnce sync.Once
	caps     Caps
	capsErr  error
)

// KernelCaps probes the kernel once, loading each feature's table into a
// throwaway namespace.
func KernelCaps() (Caps, error) {
	capsOnce.Do(func() {
		caps = Caps{}
		for req, script := range capProbes {
			ns, err := NewNS("fwclab-caps")
			if err != nil {
				capsErr = err
				return
			}
			caps[req] = NFT{}.Load(ns, []byte(script))
			ns.Close()
		}
	})
	return caps, capsErr
}

// Missing returns why the kernel cannot meet reqs, or "" when it can.
func (c Caps) Missing(reqs []Requirement) string {
	var why []string
	for _, r := range reqs {
		if err := c[r]; err != nil {
			why = append(why, fmt.Sprintf("%s (%s)", r, lastLine(err.Error())))
		}
	}
	sort.Strings(why)
	return strings.Join(why, ", ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "Error") {
			return strings.TrimSpace(lines[i])
		}
	}
	return lines[len(lines)-1]
}
