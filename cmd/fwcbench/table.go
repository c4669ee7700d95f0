package main

import (
	"fmt"
	"strings"
	"time"
)

// row is one comparison: two figures of the same run and their ratio.
type row struct {
	What   string
	A, B   string // labels of the two sides
	VA, VB string // the figures
	Ratio  float64
	Target string
}

func timeRow(what, a, b string, ta, tb time.Duration, target string) row {
	return row{What: what, A: a, B: b, VA: seconds(ta), VB: seconds(tb), Ratio: float64(tb) / float64(ta), Target: target}
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
		fmt.Fprintf(&b, "| %s | %s: %s | %s: %s | %s | %s |\n", r.What, r.A, r.VA, r.B, r.VB, ratio(r.Ratio), r.Target)
	}
	b.WriteString("\n")
	for _, n := range notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}

func ratio(x float64) string {
	if x >= 10 {
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}
