// Package suggest finds the name a misspelt one was meant to be, for
// "did you mean" hints: the closest name in scope by edit distance.
package suggest

import (
	"fmt"
	"strings"
)

// Closest returns the candidate closest to name, compared without case,
// when it is near enough to be a likely typo (at most one edit per three
// characters, at least one); "" when none is, or name is too short to
// tell a typo from another name.
func Closest(name string, candidates []string) string {
	if len(name) < 3 {
		return ""
	}
	best, bestDist := "", max(1, len(name)/3)+1
	lname := strings.ToLower(name)
	for _, c := range candidates {
		if d := distance(lname, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// Hint is " (did you mean X?)" for the closest candidate, or "".
func Hint(name string, candidates []string) string {
	if c := Closest(name, candidates); c != "" {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// distance is the Levenshtein distance of two strings, by bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
