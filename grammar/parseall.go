package grammar

import (
	"github.com/fwc-project/fwc/internal/parallel"
	"github.com/fwc-project/fwc/ir"
)

// Input is one file for ParseAll.
type Input struct {
	Name string
	Kind Kind
	Data []byte
}

// ParseAll parses files on all cores, each goroutine with its own Parser.
// The results are in the order of in, each with its file's diagnostics.
func ParseAll(in []Input) ([]*File, []ir.Diags) {
	files := make([]*File, len(in))
	diags := make([]ir.Diags, len(in))
	parallel.Each(len(in), func() func(int) {
		ps := NewParser()
		return func(i int) { files[i], diags[i] = ps.Parse(in[i].Name, in[i].Kind, in[i].Data) }
	})
	return files, diags
}
