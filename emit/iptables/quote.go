package iptables

import "github.com/fwc-project/fwc/internal/sanitize"

// Kernel limits on free text: xt_comment keeps 255 bytes, xt_LOG's prefix
// 29.
const (
	maxComment   = 255
	maxLogPrefix = 29
)

// quote makes s one double-quoted iptables-restore argument of at most max
// bytes, spelled as the nft backend spells it (package sanitize).
func quote(s string, max int) string {
	return `"` + sanitize.Text(s, max) + `"`
}
