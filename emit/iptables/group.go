package iptables

import "github.com/fwc-project/fwc/ir"

// A security group is one shared chain per direction, FWC-GROUP-<name>-IN,
// -OUT or -FWD, never copied into its callers. It starts by clearing the
// accept bit; its ACCEPT sets the bit and returns, and the caller turns
// that into its own accept (see acceptMark).

var dirSuffix = [...]string{ir.In: "IN", ir.Out: "OUT", ir.Forward: "FWD"}

func groupChain(name string, d ir.Direction) string {
	return chainName("GROUP-" + name + "-" + dirSuffix[d])
}

// useGroup records a jump to group name in direction d.
func (e *emitter) useGroup(name string, d ir.Direction) (string, error) {
	for _, g := range e.rs.Groups {
		if g.Name == name {
			c := groupChain(name, d)
			e.groups[c] = true
			return c, nil
		}
	}
	return "", errorf("rule jumps to unknown group %q", name)
}

// groupChains compiles the groups jumped to, in group order.
func (e *emitter) groupChains() error {
	for _, g := range e.rs.Groups {
		for d, rs := range [][]ir.Rule{ir.In: g.In, ir.Out: g.Out, ir.Forward: g.Forward} {
			name := groupChain(g.Name, ir.Direction(d))
			if !e.groups[name] {
				continue
			}
			c := ctx{chain: e.filter.chain(name), accept: "-g " + e.setAccept(), ifFlag: "-i", dir: ir.Direction(d)}
			if c.dir == ir.Out {
				c.ifFlag = "-o"
			}
			c.chain.add(clearMark)
			if err := e.rules(c, rs); err != nil {
				return err
			}
		}
	}
	return nil
}
