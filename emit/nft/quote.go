package nft

import (
	"strings"

	"github.com/fwc-project/fwc/internal/sanitize"
)

// Kernel and nft limits on quoted strings, in bytes.
const (
	maxComment   = 128 // nft: "comment too long, 128 characters maximum allowed"
	maxLogPrefix = 127 // NF_LOG_PREFIXLEN (128) including the terminating NUL
)

// quote renders s as an nft string literal of at most max bytes (0 = no
// limit); nothing in s can end the literal (package sanitize).
func quote(s string, max int) string {
	return `"` + sanitize.Text(s, max) + `"`
}

// quotePrefix is quote for log prefixes, where nft also expands "$name"
// variables inside the literal.
func quotePrefix(s string) string {
	return quote(strings.ReplaceAll(s, "$", "_"), maxLogPrefix)
}

// ident checks a name used unquoted as (part of) an nft identifier: set
// and chain names. Lower admits only such names, so anything else is an
// internal error.
func ident(s string) string {
	if s == "" {
		panic("nft: empty identifier")
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r)
		if !ok {
			panic("nft: invalid identifier " + s)
		}
	}
	return s
}
