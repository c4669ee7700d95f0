package grammar

import (
	"path/filepath"
	"strings"
)

// KindFromName tells the kind of a .fw file from its path, as the /etc/pve
// layout places them: cluster.fw, host.fw, <vmid>.fw, and any .fw file in an
// sdn/firewall directory is a VNet file (checked first, so a VNet may be
// called "host"). It reports false for any other name.
func KindFromName(path string) (Kind, bool) {
	base := filepath.Base(path)
	stem, ok := strings.CutSuffix(base, ".fw")
	if !ok || stem == "" {
		return 0, false
	}
	dir := filepath.Dir(path)
	if filepath.Base(dir) == "firewall" && filepath.Base(filepath.Dir(dir)) == "sdn" {
		return VNet, true
	}
	switch {
	case stem == "cluster":
		return Cluster, true
	case stem == "host":
		return Host, true
	case strings.Trim(stem, "0123456789") == "":
		return Guest, true
	}
	return 0, false
}
