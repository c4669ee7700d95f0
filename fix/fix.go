// Package fix applies the certain fixes lint attaches to diagnostics (a
// name's case, an option's spelling) to the files, replacing exactly the
// fixes' ranges and nothing else.
package fix

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"github.com/fwc-project/fwc/internal/atomicfile"
	"github.com/fwc-project/fwc/ir"
)

// Edit applies fixes to one file's bytes. Fixes must point into src;
// overlapping fixes are skipped after the first (a second lint run shows
// what is left).
func Edit(src []byte, fixes []ir.Fix) ([]byte, error) {
	slices.SortFunc(fixes, func(a, b ir.Fix) int { return a.Pos.Offset - b.Pos.Offset })
	var out bytes.Buffer
	at := 0
	for _, f := range fixes {
		if f.Pos.Offset < at {
			continue // overlaps the previous fix
		}
		if f.End.Offset < f.Pos.Offset || f.End.Offset > len(src) {
			return nil, fmt.Errorf("%s: fix range outside the file", f.Pos)
		}
		out.Write(src[at:f.Pos.Offset])
		out.WriteString(f.NewText)
		at = f.End.Offset
	}
	out.Write(src[at:])
	return out.Bytes(), nil
}

// Apply writes the fixes of ds to their files, each file atomically (a
// temporary file renamed over it, mode kept), and reports whether any file
// changed. Every file is edited in memory before the first is written.
func Apply(ds ir.Diags) (bool, error) {
	byFile := map[string][]ir.Fix{}
	var files []string
	for _, d := range ds {
		if d.Fix == nil {
			continue
		}
		f := d.Fix.Pos.Filename
		if _, ok := byFile[f]; !ok {
			files = append(files, f)
		}
		byFile[f] = append(byFile[f], *d.Fix)
	}
	type result struct {
		data []byte
		mode os.FileMode
	}
	edited := map[string]result{}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return false, err
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return false, err
		}
		out, err := Edit(src, byFile[f])
		if err != nil {
			return false, err
		}
		edited[f] = result{out, st.Mode().Perm()}
	}
	for _, f := range files {
		if err := atomicfile.Write(f, edited[f].data, edited[f].mode); err != nil {
			return false, err
		}
	}
	return len(files) > 0, nil
}
