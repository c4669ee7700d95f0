package lower

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/corosync"
	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/tree"
)

// Config is the parsed input of one node.
type Config struct {
	Node    string
	Cluster *grammar.File // nil when the tree has no cluster.fw
	Host    *grammar.File // nil when the node has no host.fw
	Guests  []GuestInput  // guests on the node, sorted by VMID
	VNets   []*grammar.File
	// Corosync is corosync.conf, nil when the tree has none.
	Corosync *corosync.Section
}

// GuestInput is one guest's config facts and its parsed firewall file.
type GuestInput struct {
	Conf tree.Guest
	FW   *grammar.File // nil when the guest has no .fw file
}

// Options are command-line facts the files do not hold.
type Options struct {
	// LocalNetwork stands in for the local_network alias when cluster.fw
	// does not define it (--local-network).
	LocalNetwork []netip.Prefix
	// Resolve looks up a host name in corosync.conf's nodelist (--resolve);
	// nil means names are errors, as the compile may not run on the node.
	Resolve func(name string) ([]netip.Addr, error)
	// DiagnosticsOnly is lint's mode: the ruleset is not wanted, so IP
	// set contents (longest-match, the costly part), which no check reads,
	// are left out of it.
	DiagnosticsOnly bool
}

// lowerer carries the state of one Lower call.
type lowerer struct {
	d      ir.Diags
	dc     *scope
	groups map[string]*groupDef
	order  []string // group keys in definition order
	noSets bool     // Options.DiagnosticsOnly
}

// groupDef is a security group with its lowered rules.
type groupDef struct {
	def  *grammar.Group
	name string
	used bool
	ir   ir.Group
}

// Lower resolves and checks a node's configuration. It always returns a
// ruleset; items with errors are left out of it.
func Lower(c Config, o Options) (*ir.Ruleset, ir.Diags) {
	l := &lowerer{dc: newScope("dc"), groups: map[string]*groupDef{}, noSets: o.DiagnosticsOnly}
	rs := &ir.Ruleset{Node: c.Node}
	if c.Cluster != nil {
		l.dc.addAliases(c.Cluster, &l.d)
		l.dc.addSets(c.Cluster, nil, &l.d)
		l.defineGroups(c.Cluster)
	}
	copts := collectOptions(c.Cluster, clusterOptions, &l.d)
	rs.Enabled = l.clusterEnable(copts)
	if !rs.Enabled && c.Cluster != nil {
		l.noteDisabled(optionPos(c.Cluster, copts, "enable"), "the firewall is disabled (cluster.fw enable is not 1): the ruleset removes fwc's tables and filters nothing, as PVE removes its rules")
	}
	rs.LogRateLimit = copts.rateLimit()
	l.lowerGroups()
	rs.Host = l.lowerHost(c, copts, o)
	if rs.Enabled && rs.Host.Enabled {
		l.warnLockout(c.Cluster, copts, rs.Host)
	}
	for _, g := range c.Guests {
		rs.Guests = append(rs.Guests, l.lowerGuest(g, rs))
	}
	for _, f := range c.VNets {
		l.checkVNet(f)
	}
	rs.Sets = append(l.setsOf(l.dc, nil), rs.Sets...)
	slices.SortFunc(rs.Sets, func(a, b ir.Set) int { return strings.Compare(a.Name, b.Name) })
	for _, key := range l.order {
		if g := l.groups[key]; g.used {
			rs.Groups = append(rs.Groups, g.ir)
		}
	}
	slices.SortFunc(rs.Groups, func(a, b ir.Group) int { return strings.Compare(a.Name, b.Name) })
	l.warnUnused(c)
	for _, list := range ruleLists(rs) {
		l.warnShadowed(*list)
	}
	return rs, l.d
}

// clusterEnable reads the master switch. PVE treats a value above 1 as the
// time the GUI's "enable for a while" was pressed; a one-shot compiler
// cannot honour a timeout, so fwc compiles such a tree as disabled.
func (l *lowerer) clusterEnable(s optionSet) bool {
	o := s.byKey["enable"]
	if o == nil {
		return false
	}
	if n, err := strconv.ParseUint(o.Value, 10, 64); err == nil && n > 1 {
		l.d.Add(o.ValuePos, ir.CodeEnableTimestamp, "enable: %s is a timestamp (PVE's temporary enable); fwc treats it as disabled", o.Value)
		return false
	}
	return s.boolean("enable", false)
}

// noteDisabled says that a compile filters less than a reader of the tree
// might expect, so that nobody is surprised by a firewall that is off.
func (l *lowerer) noteDisabled(pos ir.Pos, msg string) {
	l.d.Add(pos, ir.CodeFirewallDisabled, "%s", msg)
}

// optionPos is where an option is set, else the file's first option, else
// the file itself.
func optionPos(f *grammar.File, s optionSet, key string) ir.Pos {
	if o := s.byKey[key]; o != nil {
		return o.Pos
	}
	if len(f.Options) > 0 {
		return f.Options[0].Pos
	}
	return ir.Pos{Filename: f.Name}
}

// defineGroups records the [group] sections of cluster.fw.
func (l *lowerer) defineGroups(f *grammar.File) {
	for _, g := range f.Groups {
		if !validName(g.Name, 64) {
			l.d.Add(g.NamePos, ir.CodeInvalidName, "invalid security group name %q (letters, digits, '-' and '_', starting with a letter)", g.Name)
			continue
		}
		if len(g.Name) > 18 {
			l.d.Add(g.NamePos, ir.CodeNameTooLong, "security group name %q is longer than 18 characters: PVE rejects it and iptables chain names (28) need a hashed name", g.Name)
		}
		key := strings.ToLower(g.Name)
		if prev, ok := l.groups[key]; ok {
			l.d = append(l.d, ir.Diag(g.Pos, ir.CodeDuplicateName, "security group %s is defined twice", quote(g.Name)).WithRelated(prev.def.Pos, "first defined here"))
			continue
		}
		l.groups[key] = &groupDef{def: g, name: key}
		l.order = append(l.order, key)
	}
}

// lowerGroups lowers every group body; bodies see cluster scope only.
func (l *lowerer) lowerGroups() {
	for _, key := range l.order {
		g := l.groups[key]
		g.ir = ir.Group{Pos: g.def.Pos, Name: g.name, Comment: g.def.Comment}
		for _, r := range g.def.Rules {
			res, ok := l.lowerLine(r, ruleEnv{kind: envGroup})
			if !ok {
				continue
			}
			switch res.dir {
			case ir.In:
				g.ir.In = append(g.ir.In, res.rules...)
			case ir.Out:
				g.ir.Out = append(g.ir.Out, res.rules...)
			case ir.Forward:
				g.ir.Forward = append(g.ir.Forward, res.rules...)
			}
		}
	}
}

// lowerLine lowers a rule line; a disabled line is checked too (its
// problems become warnings) and then dropped.
func (l *lowerer) lowerLine(r *grammar.Rule, env ruleEnv) (lowered, bool) {
	if !r.Disabled {
		return l.lowerRule(r, env)
	}
	start := len(l.d)
	l.lowerRule(r, env)
	for i := start; i < len(l.d); i++ {
		if l.d[i].Severity == ir.Error {
			l.d[i].Severity = ir.Warning
			l.d[i].Message = "disabled rule: " + l.d[i].Message
		}
	}
	return lowered{}, false
}

// appendLowered adds a lowered line to the rule lists of a host or guest.
// A GROUP line is entered in every direction the group has rules for.
func (l *lowerer) appendLowered(res lowered, in, out, fwd *[]ir.Rule) {
	if !res.group {
		switch res.dir {
		case ir.In:
			*in = append(*in, res.rules...)
		case ir.Out:
			*out = append(*out, res.rules...)
		case ir.Forward:
			if fwd != nil {
				*fwd = append(*fwd, res.rules...)
			}
		}
		return
	}
	jump := res.rules[0]
	g := l.groups[jump.Group].ir
	if len(g.In) > 0 {
		*in = append(*in, jump)
	}
	if len(g.Out) > 0 {
		*out = append(*out, jump)
	}
	if len(g.Forward) > 0 && fwd != nil && jump.Iface == "" {
		*fwd = append(*fwd, jump)
	}
}

// setsOf renders a scope's IP sets; extra adds entries fwc derives itself
// (keyed by the set's lower-case name).
func (l *lowerer) setsOf(s *scope, extra map[string][]ir.SetEntry) []ir.Set {
	if l.noSets {
		return nil
	}
	var out []ir.Set
	for _, key := range s.order {
		out = append(out, s.sets[key].irSet(extra[key]))
	}
	return out
}

// checkVNet lowers an SDN VNet file for its diagnostics. VNet firewalls
// need the SDN configuration (bridges, subnets), which fwc does not read, so
// nothing is compiled from them.
func (l *lowerer) checkVNet(f *grammar.File) {
	collectOptions(f, vnetOptions, &l.d)
	for _, r := range f.Rules {
		l.lowerLine(r, ruleEnv{kind: envVNet})
	}
}

// warnUnused reports aliases, IP sets and groups nothing refers to.
func (l *lowerer) warnUnused(c Config) {
	implicit := []string{"management", "blacklist", "local_network"}
	for _, a := range l.dc.aliases {
		if !a.used && !contains(implicit, strings.ToLower(a.def.Name)) {
			l.d.Add(a.def.Pos, ir.CodeUnusedAlias, "alias %q is never used", a.def.Name)
		}
	}
	for _, key := range l.dc.order {
		if s := l.dc.sets[key]; !s.used && !contains(implicit, key) {
			l.d.Add(s.def.Pos, ir.CodeUnusedIpset, "IP set %q is never used", s.def.Name)
		}
	}
	for _, key := range l.order {
		if g := l.groups[key]; !g.used {
			l.d.Add(g.def.Pos, ir.CodeUnusedGroup, "security group %q is never used", g.def.Name)
		}
	}
}
