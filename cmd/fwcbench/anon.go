package main

import (
	"bytes"
	"fmt"

	"github.com/fwc-project/fwc/bench"
)

// anonRules is how many rules the anonymous set comparison loads.
const anonRules = 5000

// anonScripts are two inet tables of anonRules one-rule chains matching
// the same ports: through one named set, and through an anonymous set
// each, as merged rules are emitted. The kernel names every anonymous
// set by scanning the table's sets, so their cost grows with their count.
func anonScripts() (named, anon []byte) {
	var n, a bytes.Buffer
	n.WriteString("table inet fwcbench {\n\tset web { type inet_service; elements = { 80, 443 } }\n")
	a.WriteString("table inet fwcbench {\n")
	for i := range anonRules {
		src := fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&0xff, i&0xff)
		fmt.Fprintf(&n, "\tchain c%d {\n\t\tip saddr %s tcp dport @web accept\n\t}\n", i, src)
		fmt.Fprintf(&a, "\tchain c%d {\n\t\tip saddr %s tcp dport { 80, 443 } accept\n\t}\n", i, src)
	}
	n.WriteString("}\n")
	a.WriteString("}\n")
	return n.Bytes(), a.Bytes()
}

// anonRow compares the two loads.
func anonRow(runs int) (row, error) {
	named, anon := anonScripts()
	tn, err := bench.LoadTime(named, runs)
	if err != nil {
		return row{}, err
	}
	ta, err := bench.LoadTime(anon, runs)
	if err != nil {
		return row{}, err
	}
	what := fmt.Sprintf("`nft -f` %s rules: one named set vs an anonymous set each", count(anonRules))
	return timeRow(what, "named", "anonymous", tn, ta, ""), nil
}
