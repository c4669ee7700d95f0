package iptables

import (
	"strings"
	"unicode/utf8"
)

// Kernel limits on free text: xt_comment keeps 255 bytes, xt_LOG's prefix
// 29.
const (
	maxComment   = 255
	maxLogPrefix = 29
)

// quote makes s one double-quoted iptables-restore argument of at most max
// bytes. Quotes and backslashes become ' and /, control characters blanks,
// as the nft backend spells them, so no escaping is needed.
func quote(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		case r < 0x20, r == 0x7f:
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > max {
		for max > 0 && !utf8.RuneStart(s[max]) {
			max--
		}
		s = s[:max]
	}
	return `"` + s + `"`
}
