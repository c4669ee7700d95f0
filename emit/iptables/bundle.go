package iptables

import (
	"os"
	"path/filepath"

	"github.com/fwc-project/fwc/internal/atomicfile"
)

// Bundle is the compiled ruleset: the files apply.sh loads, in its order.
type Bundle struct {
	IPSets   []byte // ipset restore input
	RulesV4  []byte // iptables-restore --noflush input
	RulesV6  []byte // ip6tables-restore --noflush input
	Ebtables []byte // ebtables-restore --noflush input
	Apply    []byte // POSIX sh script loading the above
}

// File is one file of a bundle.
type File struct {
	Name string
	Data []byte
	Mode os.FileMode
}

// Files lists the bundle's files with their names and modes.
func (b Bundle) Files() []File {
	return []File{
		{"ipsets", b.IPSets, 0o644},
		{"rules.v4", b.RulesV4, 0o644},
		{"rules.v6", b.RulesV6, 0o644},
		{"ebtables", b.Ebtables, 0o644},
		{"apply.sh", b.Apply, 0o755},
	}
}

// WriteDir writes the bundle into dir, creating it if needed. Each file is
// written to a temporary file in dir and renamed over its name, so a reader
// sees either the old or the new content of each file, never a torn one.
func (b Bundle) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range b.Files() {
		if err := atomicfile.Write(filepath.Join(dir, f.Name), f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}
