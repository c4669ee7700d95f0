package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fwc-project/fwc/pipeline"
)

// LintAfterChange is what an editor waits for: the tree at root is
// opened once (read and parsed, as the language server does on the first
// open), then file is edited runs times, each edit alternating between
// two texts so the parse cache cannot answer, and linted against the
// whole tree. It returns the fastest edit-to-diagnostics time.
func LintAfterChange(root, file string, runs int) (time.Duration, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	w := pipeline.NewWorkspace(root, pipeline.LintOptions{})
	if _, ok, err := w.LintFile(file); err != nil || !ok {
		return 0, fmt.Errorf("%s: not linted in its tree (%v)", file, err)
	}
	edited := append([]byte("# edited\n"), data...)
	best := time.Duration(0)
	for i := 0; i < runs; i++ {
		text := data
		if i%2 == 0 {
			text = edited
		}
		start := time.Now()
		w.SetOverlay(file, text)
		if _, _, err := w.LintFile(file); err != nil {
			return 0, err
		}
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return best, nil
}

// GuestFile is the firewall file of the generator's first guest.
func GuestFile(root string) string { return filepath.Join(root, "firewall", "100.fw") }
