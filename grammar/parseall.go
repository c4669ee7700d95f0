package grammar

import (
	"runtime"
	"sync"
	"sync/atomic"

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
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(in)) {
		wg.Go(func() {
			ps := NewParser()
			for i := int(next.Add(1) - 1); i < len(in); i = int(next.Add(1) - 1) {
				files[i], diags[i] = ps.Parse(in[i].Name, in[i].Kind, in[i].Data)
			}
		})
	}
	wg.Wait()
	return files, diags
}
