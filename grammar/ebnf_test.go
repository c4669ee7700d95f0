package grammar

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/grammar.ebnf")

// TestEBNF keeps a readable snapshot of the line grammars, so a grammar
// change shows up in review as an EBNF diff.
func TestEBNF(t *testing.T) {
	var parts []string
	for _, p := range []fmt.Stringer{headerParser, optionParser, aliasParser, entryParser, ruleParser} {
		parts = append(parts, p.String())
	}
	got := strings.Join(parts, "\n\n") + "\n"
	path := filepath.Join("testdata", "grammar.ebnf")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("grammar changed; run go test ./grammar -update (-want +got):\n%s", diff)
	}
}
