package nft

import (
	"strings"
	"unicode/utf8"
)

// Kernel and nft limits on quoted strings, in bytes.
const (
	maxComment   = 128 // nft: "comment too long, 128 characters maximum allowed"
	maxLogPrefix = 127 // NF_LOG_PREFIXLEN (128) including the terminating NUL
)

// quote renders s as an nft string literal of at most max bytes (0 = no
// limit). Nothing in s can end the literal: nft's scanner has no escapes
// that would make a quote safe, so quotes and backslashes are replaced,
// control characters become blanks, and invalid UTF-8 becomes "?".
func quote(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		case r < 0x20, r == 0x7f, r == '\u2028', r == '\u2029':
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	return `"` + truncate(s, max) + `"`
}

// quotePrefix is quote for log prefixes, where nft also expands "$name"
// variables inside the literal.
func quotePrefix(s string) string {
	return quote(strings.ReplaceAll(s, "$", "_"), maxLogPrefix)
}

// truncate cuts s to at most max bytes at a UTF-8 boundary.
func truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
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
