// Command fwcgen writes a synthetic cluster tree for benchmarks:
//
//	go run ./cmd/fwcgen -guests 5000 -seed 1 -o DIR
//
// The same flags always give a byte-identical tree; see package gen.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/fwc-project/fwc/gen"
)

func main() {
	o := gen.Options{}
	flag.IntVar(&o.Guests, "guests", 100, "number of guests")
	flag.Int64Var(&o.Seed, "seed", 1, "random seed")
	dir := flag.String("o", "", "output directory (created; must not hold another tree)")
	flag.Parse()
	if *dir == "" || o.Guests < 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := gen.Write(*dir, o); err != nil {
		fmt.Fprintln(os.Stderr, "fwcgen:", err)
		os.Exit(1)
	}
}
