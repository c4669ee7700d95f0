package lower

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/suggest"
)

// namePattern is PVE's pattern for group, IP set and alias names.
var namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]+$`)

// alias is one [ALIASES] entry.
type alias struct {
	def    *grammar.Alias
	prefix netip.Prefix
	used   bool
}

// ipset is one [IPSET] section with its checked entries.
type ipset struct {
	def     *grammar.IPSet
	name    string // scoped: dc/x or guest-100/x
	entries []setEntry
	used    bool
}

type setEntry struct {
	pos ir.Pos
	ir.SetEntry
}

// scope holds the aliases and IP sets of one file: the datacenter
// (cluster.fw) or one guest. Names are keyed in lower case: PVE lowercases
// definitions, and fwc resolves references case-insensitively (warning when
// the case differs).
type scope struct {
	label   string // "dc" or "guest-<vmid>"
	aliases map[string]*alias
	sets    map[string]*ipset
	order   []string // set keys in definition order
}

func newScope(label string) *scope {
	return &scope{label: label, aliases: map[string]*alias{}, sets: map[string]*ipset{}}
}

// addAliases checks and records a file's [ALIASES] lines.
func (s *scope) addAliases(f *grammar.File, d *ir.Diags) {
	for _, a := range f.Aliases {
		if !validName(a.Name, 64) {
			d.Add(a.Pos, ir.CodeInvalidName, "invalid alias name %q (letters, digits, '-' and '_', starting with a letter, 2 to 64 characters)", a.Name)
			continue
		}
		p, ok := parseCIDR(a.Addr)
		if !ok {
			d.Add(a.AddrPos, ir.CodeInvalidAddress, "alias %q: %q is not an IP address or CIDR", a.Name, a.Addr)
			continue
		}
		if p.Masked() != p {
			d.Add(a.AddrPos, ir.CodeHostBitsMasked, "alias %q: %s has host bits set; it stands for the network %s", a.Name, a.Addr, p.Masked())
			p = p.Masked()
		}
		key := strings.ToLower(a.Name)
		if prev, ok := s.aliases[key]; ok {
			*d = append(*d, ir.Diag(a.Pos, ir.CodeDuplicateName, "alias %s is defined twice", quote(a.Name)).WithRelated(prev.def.Pos, "first defined here"))
			continue
		}
		s.aliases[key] = &alias{def: a, prefix: p}
	}
}

// addSets checks and records a file's [IPSET] sections. Alias references in
// entries resolve in this scope first, then in dc (for guest scopes).
func (s *scope) addSets(f *grammar.File, dc *scope, d *ir.Diags) {
	for _, set := range f.IPSets {
		if !validName(set.Name, 64) {
			d.Add(set.NamePos, ir.CodeInvalidName, "invalid IP set name %q (letters, digits, '-' and '_', starting with a letter, 2 to 64 characters)", set.Name)
			continue
		}
		key := strings.ToLower(set.Name)
		if prev, ok := s.sets[key]; ok {
			*d = append(*d, ir.Diag(set.Pos, ir.CodeDuplicateName, "IP set %s is defined twice", quote(set.Name)).WithRelated(prev.def.Pos, "first defined here"))
			continue
		}
		is := &ipset{def: set, name: s.label + "/" + key}
		for _, e := range set.Entries {
			if se, ok := s.setEntry(set.Name, e, dc, d); ok {
				is.entries = append(is.entries, se)
			}
		}
		checkOverlaps(set.Name, is.entries, d)
		s.sets[key] = is
		s.order = append(s.order, key)
	}
}

// setEntry checks one IP set line: an address, a CIDR or an alias.
func (s *scope) setEntry(setName string, e *grammar.IPSetEntry, dc *scope, d *ir.Diags) (setEntry, bool) {
	p, ok := parseCIDR(e.Addr)
	if !ok {
		if !aliasRef.MatchString(e.Addr) {
			d.Add(e.AddrPos, ir.CodeInvalidAddress, "IP set %q: %q is not an IP address, CIDR or alias name", setName, e.Addr)
			return setEntry{}, false
		}
		guest := s
		if dc == nil { // s is the datacenter scope itself
			guest, dc = nil, s
		}
		a := resolveAlias(e.Addr, e.AddrPos, guest, dc, d)
		if a == nil {
			return setEntry{}, false
		}
		p = a.prefix
	}
	if p.Bits() == 0 {
		d.Add(e.AddrPos, ir.CodeInvalidAddress, "IP set %q: a zero prefix is not allowed in IP set entries", setName)
		return setEntry{}, false
	}
	if p.Masked() != p {
		d.Add(e.AddrPos, ir.CodeHostBitsMasked, "IP set %q: %s has host bits set; using %s", setName, e.Addr, p.Masked())
		p = p.Masked()
	}
	return setEntry{pos: e.Pos, SetEntry: ir.SetEntry{Prefix: p, NoMatch: e.NoMatch}}, true
}

// checkOverlaps warns about entries that repeat or sit inside another entry
// of the same kind; they change nothing and usually hide a typo. Prefixes
// are nested or disjoint, so sorting by address (enclosing first) puts
// each entry right after the entries that contain it: O(n log n).
func checkOverlaps(setName string, es []setEntry, d *ir.Diags) {
	for _, noMatch := range []bool{false, true} {
		var kind []int // indices of es with this nomatch flag, in file order
		for i, e := range es {
			if e.NoMatch == noMatch {
				kind = append(kind, i)
			}
		}
		order := slices.Clone(kind)
		slices.SortStableFunc(order, func(a, b int) int {
			pa, pb := es[a].Prefix, es[b].Prefix
			if c := pa.Masked().Addr().Compare(pb.Masked().Addr()); c != 0 {
				return c
			}
			return pa.Bits() - pb.Bits()
		})
		var stack []int // enclosing entries of the current one, outermost first
		for _, i := range order {
			for len(stack) > 0 && !es[stack[len(stack)-1]].Prefix.Contains(es[i].Prefix.Addr()) {
				stack = stack[:len(stack)-1]
			}
			if len(stack) > 0 {
				warnOverlap(setName, es[i], es[stack[0]], d)
			}
			stack = append(stack, i)
		}
	}
}

// warnOverlap reports e as lying inside f, or as a repeat of the earlier f.
func warnOverlap(setName string, e, f setEntry, d *ir.Diags) {
	w := ir.Diag(e.pos, ir.CodeIpsetOverlap, "IP set %q: %s lies inside %s", setName, e.Prefix, f.Prefix)
	if f.Prefix == e.Prefix {
		w = ir.Diag(e.pos, ir.CodeDuplicateIpsetEntry, "IP set %q: duplicate entry %s", setName, e.Prefix)
	}
	*d = append(*d, w.WithRelated(f.pos, "covered by this entry"))
}

// irSet renders a set with its final, longest-match content.
func (is *ipset) irSet(extra []ir.SetEntry) ir.Set {
	var v4, v6 []ir.SetEntry
	for _, e := range is.entries {
		if e.Prefix.Addr().Is4() {
			v4 = append(v4, e.SetEntry)
		} else {
			v6 = append(v6, e.SetEntry)
		}
	}
	for _, e := range extra {
		if e.Prefix.Addr().Is4() {
			v4 = append(v4, e)
		} else {
			v6 = append(v6, e)
		}
	}
	pos, comment := ir.Pos{}, ""
	if is.def != nil {
		pos, comment = is.def.Pos, is.def.Comment
	}
	return ir.Set{Pos: pos, Name: is.name, Comment: comment, V4: ir.LongestMatch(v4), V6: ir.LongestMatch(v6)}
}

// aliasRef matches an alias reference with an optional scope.
var aliasRef = regexp.MustCompile(`^(?i:(dc|guest)/)?[A-Za-z][A-Za-z0-9_-]+$`)

// searchOrder splits a reference into its name and the scopes to search:
// guest/x in the guest scope only, dc/x in dc only, a bare name in the
// guest scope first, then dc. known is false for any other prefix.
func searchOrder(ref string, guest, dc *scope) (name, prefix string, search []*scope, known bool) {
	prefix, name, scoped := strings.Cut(ref, "/")
	switch {
	case !scoped:
		return prefix, "", []*scope{guest, dc}, true
	case strings.EqualFold(prefix, "dc"):
		return name, "dc", []*scope{dc}, true
	case strings.EqualFold(prefix, "guest"):
		return name, "guest", []*scope{guest}, true
	}
	return name, strings.ToLower(prefix), nil, false
}

// resolveAlias looks an alias reference up (see searchOrder).
func resolveAlias(ref string, pos ir.Pos, guest, dc *scope, d *ir.Diags) *alias {
	name, prefix, search, _ := searchOrder(ref, guest, dc)
	for _, s := range search {
		if s == nil {
			continue
		}
		if a, ok := s.aliases[strings.ToLower(name)]; ok {
			a.used = true
			return a
		}
	}
	d.Add(pos, ir.CodeUnknownAlias, "no such alias %q%s%s", ref, scopeHint(prefix == "guest" && guest == nil), suggest.Hint(name, names(search, (*scope).aliasNames)))
	return nil
}

// resolveSet looks an IP set reference (without its '+') up, with the same
// scope rules as aliases, plus the sdn/ scope fwc cannot resolve.
func resolveSet(ref string, pos ir.Pos, guest, dc *scope, d *ir.Diags) *ipset {
	name, prefix, search, known := searchOrder(ref, guest, dc)
	switch {
	case prefix == "sdn":
		d.Add(pos, ir.CodeSdnIpset, "SDN IP sets (+sdn/...) come from the SDN configuration, which fwc does not read")
		return nil
	case !known:
		d.Add(pos, ir.CodeInvalidName, "invalid IP set reference %q (scopes are dc/, guest/ and sdn/)", "+"+ref)
		return nil
	}
	for _, s := range search {
		if s == nil {
			continue
		}
		if is, ok := s.sets[strings.ToLower(name)]; ok {
			if is.def != nil && is.def.Name != name {
				fixed := "+" + ref[:len(ref)-len(name)] + is.def.Name
				*d = append(*d, ir.Diag(pos, ir.CodeNameCase, "IP set reference %q differs in case from its definition %q (PVE would not resolve it)", "+"+ref, is.def.Name).
					WithFix(pos, "+"+ref, fixed))
			}
			is.used = true
			return is
		}
	}
	d.Add(pos, ir.CodeUnknownIpset, "no such IP set %q%s%s", "+"+ref, scopeHint(prefix == "guest" && guest == nil), suggest.Hint(name, names(search, (*scope).setNames)))
	return nil
}

func scopeHint(guestScopeOutsideGuest bool) string {
	if guestScopeOutsideGuest {
		return " (guest/ references only resolve in guest rules)"
	}
	return ""
}

func validName(s string, max int) bool {
	return len(s) <= max && namePattern.MatchString(s)
}

// parseCIDR parses an address or CIDR; a bare address gets its full length.
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, false
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits())
		return p, p.IsValid()
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

func quote(s string) string { return `"` + s + `"` }

// names collects the definitions' names of the scopes a reference searched.
func names(search []*scope, of func(*scope) []string) []string {
	var out []string
	for _, s := range search {
		if s != nil {
			out = append(out, of(s)...)
		}
	}
	return out
}

func (s *scope) aliasNames() []string {
	var out []string
	for _, a := range s.aliases {
		out = append(out, a.def.Name)
	}
	slices.Sort(out) // map order must not pick among equally close names
	return out
}

func (s *scope) setNames() []string {
	var out []string
	for _, key := range s.order {
		if is := s.sets[key]; is.def != nil {
			out = append(out, is.def.Name)
		}
	}
	return out
}
