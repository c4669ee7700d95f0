package nft

import (
	"testing"

	"github.com/fwc-project/fwc/internal/policycheck"
)

// TestNoPolicy checks that this package only spells the plan: no ports,
// protocol numbers or ICMP types outside its printing tables.
func TestNoPolicy(t *testing.T) {
	policycheck.Check(t, ".", "protoKeywords", "maxComment", "maxLogPrefix", "etherAddrLen")
}
