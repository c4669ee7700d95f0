package lsp

import (
	"fmt"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/lower"
	"github.com/fwc-project/fwc/macros"
)

// symbol is a definition of an alias, IP set or group.
type symbol struct {
	kind string // "alias", "IP set", "group"
	name string
	pos  ir.Pos
	body string // what hover shows: the value, the entries, the rules
}

// symbols are the definitions a file sees: its own (a guest's aliases and
// IP sets) and cluster.fw's.
func (s *Server) symbols(fp string) []symbol {
	w := s.workspace(fp)
	if w == nil {
		return nil
	}
	var files []*grammar.File
	if f := w.Parsed(fp); f != nil && f.Kind == grammar.Guest {
		files = append(files, f)
	}
	if f := w.Parsed(w.Root() + "/firewall/cluster.fw"); f != nil {
		files = append(files, f)
	}
	var out []symbol
	for _, f := range files {
		for _, a := range f.Aliases {
			out = append(out, symbol{"alias", a.Name, a.Pos, a.Addr})
		}
		for _, set := range f.IPSets {
			var b strings.Builder
			for _, e := range set.Entries {
				if e.NoMatch {
					b.WriteString("!")
				}
				b.WriteString(e.Addr + "\n")
			}
			out = append(out, symbol{"IP set", set.Name, set.Pos, b.String()})
		}
		for _, g := range f.Groups {
			var b strings.Builder
			for _, r := range g.Rules {
				b.WriteString(ruleText(r) + "\n")
			}
			out = append(out, symbol{"group", g.Name, g.Pos, b.String()})
		}
	}
	return out
}

func ruleText(r *grammar.Rule) string {
	parts := []string{r.Type, r.Action}
	for _, o := range r.Options {
		parts = append(parts, o.Name, o.Value)
	}
	return strings.Join(parts, " ")
}

// lookup finds the symbol the word under the cursor names.
func (s *Server) lookup(fp string, p protocol.Position) (symbol, bool) {
	word, line := wordAt(s.text(fp), p)
	name, set := scopeName(word)
	group := strings.EqualFold(firstWord(line), "GROUP") || strings.HasPrefix(strings.TrimSpace(line), "[group")
	for _, sym := range s.symbols(fp) {
		if !strings.EqualFold(sym.name, strings.TrimSuffix(name, "]")) {
			continue
		}
		if set == (sym.kind == "IP set") && (sym.kind != "group" || group) {
			return sym, true
		}
	}
	return symbol{}, false
}

func firstWord(line string) string {
	f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "|"))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	var md string
	if sym, ok := s.lookup(fp, p.Position); ok {
		md = fmt.Sprintf("%s **%s** (%s:%d)\n```\n%s\n```", sym.kind, sym.name, sym.pos.Filename, sym.pos.Line, strings.TrimRight(sym.body, "\n"))
	} else if word, line := wordAt(s.text(fp), p.Position); strings.Contains(word, "(") {
		md = macroHover(word)
	} else if kind, _ := grammar.KindFromName(fp); strings.HasSuffix(word, ":") && strings.HasPrefix(strings.TrimSpace(line), word) {
		if o, ok := optionDoc(kind, word); ok {
			md = fmt.Sprintf("option **%s**: %s", o.Key, o.Doc)
		}
	}
	if md == "" {
		return nil, nil
	}
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md}}, nil
}

// macroHover shows what Macro(VERDICT) expands to.
func macroHover(word string) string {
	name, _, _ := strings.Cut(word, "(")
	m, ok := macros.Lookup(name)
	if !ok {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "macro **%s**: %s\n```\n", m.Name, m.Doc)
	for _, e := range m.Entries {
		fmt.Fprintf(&b, "-p %s", e.Proto)
		if e.DPort != "" {
			fmt.Fprintf(&b, " -dport %s", e.DPort)
		}
		if e.SPort != "" {
			fmt.Fprintf(&b, " -sport %s", e.SPort)
		}
		b.WriteString("\n")
	}
	b.WriteString("```")
	return b.String()
}

func (s *Server) location(pos ir.Pos) protocol.Location {
	return protocol.Location{URI: uri(pos.Filename), Range: s.rangeOf(s.text(pos.Filename), pos, ir.Pos{})}
}

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sym, ok := s.lookup(path(p.TextDocument.URI), p.Position)
	if !ok {
		return nil, nil
	}
	return []protocol.Location{s.location(sym.pos)}, nil
}

// references lists the rules and IP set entries that name the symbol
// under the cursor, in every .fw file of the tree.
func (s *Server) references(_ *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	sym, ok := s.lookup(fp, p.Position)
	w := s.workspace(fp)
	if !ok || w == nil {
		return nil, nil
	}
	files, err := w.Files()
	if err != nil {
		return nil, err
	}
	names := func(v string) bool {
		for _, item := range strings.Split(v, ",") {
			n, set := scopeName(item)
			if strings.EqualFold(n, sym.name) && set == (sym.kind == "IP set") {
				return true
			}
		}
		return false
	}
	out := []protocol.Location{}
	if p.Context.IncludeDeclaration {
		out = append(out, s.location(sym.pos))
	}
	for _, f := range files {
		pf := w.Parsed(f)
		if pf == nil {
			continue
		}
		rules := pf.Rules
		for _, g := range pf.Groups {
			rules = append(rules, g.Rules...)
		}
		for _, r := range rules {
			if sym.kind == "group" && strings.EqualFold(r.Type, "GROUP") && strings.EqualFold(r.Action, sym.name) {
				out = append(out, s.location(r.ActionPos))
			}
			for _, o := range r.Options {
				if sym.kind != "group" && names(o.Value) {
					out = append(out, s.location(o.ValuePos))
				}
			}
		}
		for _, set := range pf.IPSets {
			for _, e := range set.Entries {
				if sym.kind == "alias" && names(e.Addr) {
					out = append(out, s.location(e.AddrPos))
				}
			}
		}
	}
	return out, nil
}

// sectionAt is the header of the section the cursor's line is in.
func sectionAt(text string, line int) string {
	lines := strings.Split(text, "\n")
	for i := min(line, len(lines)-1); i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "[") {
			return strings.ToUpper(firstWord(strings.Trim(l, "[] ")))
		}
	}
	return ""
}

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	text := s.text(fp)
	i := offset(text, p.Position)
	before := text[strings.LastIndexByte(text[:i], '\n')+1 : i]
	words := strings.Fields(before)
	typing := !strings.HasSuffix(before, " ") && len(words) > 0
	current := ""
	if typing {
		current, words = words[len(words)-1], words[:len(words)-1]
	}
	kind, _ := grammar.KindFromName(fp)
	var items []string
	var ck protocol.CompletionItemKind = protocol.CompletionItemKindKeyword
	switch {
	case strings.HasPrefix(strings.TrimSpace(before), "["):
		items = []string{"[OPTIONS]", "[RULES]", "[ALIASES]", "[IPSET name]"}
		if kind == grammar.Cluster {
			items = append(items, "[group name]")
		}
	case sectionAt(text, int(p.Position.Line)) == "OPTIONS" && len(words) == 0:
		for _, o := range lower.OptionDocs(kind) {
			items = append(items, o.Key+": ")
		}
		ck = protocol.CompletionItemKindProperty
	case sectionAt(text, int(p.Position.Line)) == "OPTIONS":
		if o, ok := optionDoc(kind, words[0]); ok {
			items = o.Values
		}
		ck = protocol.CompletionItemKindValue
	case strings.HasPrefix(current, "+"):
		for _, sym := range s.symbols(fp) {
			if sym.kind == "IP set" {
				items = append(items, "+"+sym.name)
			}
		}
		ck = protocol.CompletionItemKindVariable
	case len(words) > 0 && (words[len(words)-1] == "-source" || words[len(words)-1] == "-dest"):
		for _, sym := range s.symbols(fp) {
			switch sym.kind {
			case "alias":
				items = append(items, sym.name)
			case "IP set":
				items = append(items, "+"+sym.name)
			}
		}
		ck = protocol.CompletionItemKindVariable
	case len(words) == 1 && strings.EqualFold(strings.TrimPrefix(words[0], "|"), "GROUP"):
		for _, sym := range s.symbols(fp) {
			if sym.kind == "group" {
				items = append(items, sym.name)
			}
		}
		ck = protocol.CompletionItemKindModule
	case len(words) == 1:
		items = []string{"ACCEPT", "DROP", "REJECT"}
		for _, m := range macros.All() {
			items = append(items, m.Name+"(ACCEPT)")
		}
	case len(words) >= 2 && strings.HasPrefix(current, "-") || len(words) >= 2 && !typing:
		items = []string{"-i", "-p", "-dport", "-sport", "-source", "-dest", "-log", "-icmp-type"}
	case len(words) == 0:
		items = []string{"IN", "OUT", "GROUP"}
		if kind != grammar.Guest {
			items = append(items, "FORWARD")
		}
	}
	out := []protocol.CompletionItem{}
	for _, it := range items {
		out = append(out, protocol.CompletionItem{Label: it, Kind: &ck})
	}
	return out, nil
}

// optionDoc finds an option key ("key" or "key:") of a file kind.
func optionDoc(kind grammar.Kind, key string) (lower.OptionDoc, bool) {
	key = strings.ToLower(strings.TrimSuffix(key, ":"))
	for _, o := range lower.OptionDocs(kind) {
		if o.Key == key {
			return o, true
		}
	}
	return lower.OptionDoc{}, false
}
