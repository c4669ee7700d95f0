package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// row is one comparison: two figures of the same run and their ratio.
type row struct {
	What   string
	A, B   string  // labels of the two sides
	VA, VB string  // the figures
	Ratio  float64 // NaN when unknown
	Bound  string  // "<" or ">" when Ratio is a bound (a load hit its limit)
	Target string
}

func timeRow(what, a, b string, ta, tb time.Duration, target string) row {
	return row{What: what, A: a, B: b, VA: seconds(ta), VB: seconds(tb), Ratio: float64(tb) / float64(ta), Target: target}
}

// loaded is a load's time; over says it was killed at that time.
type loaded struct {
	d    time.Duration
	over bool
}

func (l loaded) String() string {
	if l.over {
		return "> " + seconds(l.d) + " (killed)"
	}
	return seconds(l.d)
}

// loadRow is timeRow for loads that may have hit their limit: the ratio
// is then a bound, or unknown when both did.
func loadRow(what, a, b string, la, lb loaded, target string) row {
	r := row{What: what, A: a, B: b, VA: la.String(), VB: lb.String(), Ratio: float64(lb.d) / float64(la.d), Target: target}
	switch {
	case la.over && lb.over:
		r.Ratio = math.NaN()
	case la.over:
		r.Bound = "<"
	case lb.over:
		r.Bound = ">"
	}
	return r
}

func bytesRow(what, a, b string, va, vb int64, target string) row {
	mb := func(v int64) string { return fmt.Sprintf("%.0f MB", float64(v)/1e6) }
	return row{What: what, A: a, B: b, VA: mb(va), VB: mb(vb), Ratio: float64(vb) / float64(va), Target: target}
}

// perGuestRow compares rule counts per guest, optimised and -O0.
func perGuestRow(what string, opt, o0, guests int, target string) row {
	per := func(n int) string { return fmt.Sprintf("%.1f", float64(n)/float64(guests)) }
	return row{What: what, A: "optimised", B: "-O0", VA: per(opt), VB: per(o0), Ratio: float64(o0) / float64(opt), Target: target}
}

func countRow(what string, opt, o0 int) row {
	return row{What: what, A: "optimised", B: "-O0", VA: count(opt), VB: count(o0), Ratio: float64(o0) / float64(opt)}
}

func rateRow(what, a, b string, ra, rb float64) row {
	return row{What: what, A: a, B: b, VA: fmt.Sprintf("%.0f/s", ra), VB: fmt.Sprintf("%.0f/s", rb), Ratio: rb / ra, Target: "0.90–1.10×"}
}

// render prints the table with its notes.
func render(rows []row, notes []string, when time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fwc benchmark results\n\nWritten by `make bench` (cmd/fwcbench) on %s.\n\n", when.Format("2006-01-02 15:04 UTC"))
	b.WriteString("| comparison | A | B | B / A | target |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s: %s | %s: %s | %s | %s |\n", r.What, r.A, r.VA, r.B, r.VB, r.Bound+ratio(r.Ratio), r.Target)
	}
	b.WriteString("\n")
	for _, n := range notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}

func ratio(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	if x >= 10 {
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}
