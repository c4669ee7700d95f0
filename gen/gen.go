// Package gen writes synthetic cluster trees in the /etc/pve layout for
// benchmarks: a cluster.fw with aliases, large IP sets and shared security
// groups, one node with its host.fw, and G guests with 1–3 NICs and about
// twenty rules each. Guests are made from a handful of role templates, as
// real clusters are, so most of them share their group references and many
// share their whole rule list. The same Options give a byte-identical tree.
package gen

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Node is the name of the one node a generated tree has.
const Node = "pve1"

// Options say what to generate.
type Options struct {
	Guests int   // number of guests, all on Node
	Seed   int64 // same seed, same tree
}

// File is one generated file, its path relative to the tree root.
type File struct {
	Path string
	Data []byte
}

// Generate returns the files of a tree, sorted by path.
func Generate(o Options) []File {
	b := &builder{rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed)), opts: o}
	b.planGuests()
	files := []File{
		{"firewall/cluster.fw", b.clusterFW()},
		{filepath.Join("nodes", Node, "host.fw"), b.hostFW()},
	}
	for i := range b.guests {
		g := &b.guests[i]
		files = append(files, File{g.confPath(), b.guestConf(g)}, File{g.fwPath(), b.guestFW(g)})
	}
	slices.SortFunc(files, func(x, y File) int { return strings.Compare(x.Path, y.Path) })
	return files
}

// Write generates a tree into dir, creating directories as needed.
func Write(dir string, o Options) error {
	for _, f := range Generate(o) {
		path := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// builder holds the random source and the plan shared by all files.
type builder struct {
	rng    *rand.Rand
	opts   Options
	guests []guest
	own    int // non-template guests so far, to spread tenant aliases
}

// chance reports true with probability p.
func (b *builder) chance(p float64) bool { return b.rng.Float64() < p }

// pick returns a random element of list.
func pick[T any](b *builder, list []T) T { return list[b.rng.IntN(len(list))] }
