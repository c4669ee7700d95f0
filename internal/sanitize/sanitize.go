// Package sanitize makes configuration text (comments, log prefixes) safe
// to put inside a double-quoted string of nft or iptables-restore input.
// Neither has an escape that makes a quote safe, so the text is changed
// instead of escaped; both backends spell it the same way.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Text returns s with quotes turned into ', backslashes into /, control
// and line-separator characters into blanks and invalid UTF-8 into "?",
// cut to at most max bytes at a UTF-8 boundary (max <= 0: no limit).
func Text(s string, max int) string {
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
	return Truncate(s, max)
}

// Truncate cuts s to at most max bytes at a UTF-8 boundary.
func Truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
