package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/txtar"
)

// Scenario is one testdata/lab/*.txtar file: an input tree, optional
// header lines in the comment, and the expect section.
type Scenario struct {
	Name     string
	Requires []Requirement
	Node     string // "" for the tree's only node
	Uplink   string // bridge the uplink is plugged into; "" for a routed uplink
	// BridgeNF lists the bridge-nf-call-iptables/-ip6tables settings the
	// probes run under, each on a fresh network: [false] unless the
	// header says "bridge-nf-call: 0, 1".
	BridgeNF []bool
	Files    []txtar.File
	Probes   []Probe
}

// Sections that are not part of the input tree.
const (
	expectSection  = "expect"
	RulesetSection = "ruleset.nft" // a hand-written ruleset; see FileCompiler
)

// LoadScenario reads and parses a scenario file.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseScenario(strings.TrimSuffix(filepath.Base(path), ".txtar"), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseScenario parses a scenario. Header lines in the comment are
// "requires: bridge-conntrack, bridge-reject", "node: NAME",
// "uplink: BRIDGE" and "bridge-nf-call: 0, 1"; other comment lines are
// prose.
func ParseScenario(name string, data []byte) (*Scenario, error) {
	ar := txtar.Parse(data)
	s := &Scenario{Name: name}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		key, val, ok := strings.Cut(line, ":")
		val = strings.TrimSpace(val)
		if !ok || strings.ContainsAny(key, " \t") {
			continue
		}
		switch key {
		case "requires":
			for _, r := range strings.Split(val, ",") {
				req := Requirement(strings.TrimSpace(r))
				if _, known := capProbes[req]; !known {
					return nil, fmt.Errorf("requires: unknown kernel feature %q (known: %s, %s)", req, BridgeConntrack, BridgeReject)
				}
				s.Requires = append(s.Requires, req)
			}
		case "node":
			s.Node = val
		case "uplink":
			s.Uplink = val
		case "bridge-nf-call":
			for _, v := range strings.Split(val, ",") {
				switch strings.TrimSpace(v) {
				case "0":
					s.BridgeNF = append(s.BridgeNF, false)
				case "1":
					s.BridgeNF = append(s.BridgeNF, true)
				default:
					return nil, fmt.Errorf("bridge-nf-call: %q: want 0 or 1, comma-separated", v)
				}
			}
		}
	}
	if s.BridgeNF == nil {
		s.BridgeNF = []bool{false}
	}
	var expect *txtar.File
	for i, f := range ar.Files {
		if f.Name == expectSection {
			expect = &ar.Files[i]
			continue
		}
		if filepath.IsAbs(f.Name) || strings.Contains(f.Name, "..") {
			return nil, fmt.Errorf("section %q: tree paths are relative and stay inside the tree", f.Name)
		}
		s.Files = append(s.Files, f)
	}
	if expect == nil {
		return nil, fmt.Errorf("no -- %s -- section", expectSection)
	}
	var err error
	if s.Probes, err = ParseExpect(string(expect.Data)); err != nil {
		return nil, err
	}
	if len(s.Probes) == 0 {
		return nil, fmt.Errorf("the %s section has no probes", expectSection)
	}
	return s, nil
}

// WriteTree writes the scenario's tree files under root.
func (s *Scenario) WriteTree(root string) error {
	for _, f := range s.Files {
		p := filepath.Join(root, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Compiler turns the tree at root into a ruleset for node; the lab does
// not care how compilation is wired.
type Compiler func(root, node string) ([]byte, error)

// FileCompiler returns the scenario's hand-written ruleset.nft section
// (written into the tree root), and falls back to next, when not nil,
// for scenarios without one.
func FileCompiler(next Compiler) Compiler {
	return func(root, node string) ([]byte, error) {
		data, err := os.ReadFile(filepath.Join(root, RulesetSection))
		if err == nil || !os.IsNotExist(err) || next == nil {
			return data, err
		}
		return next(root, node)
	}
}
