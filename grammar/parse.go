package grammar

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/fwc-project/fwc/ir"
)

var (
	tokEOL     = fwLexer.Symbols()["EOL"]
	tokComment = fwLexer.Symbols()["Comment"]
	tokPunct   = fwLexer.Symbols()["Punct"]
	tokFlag    = fwLexer.Symbols()["Flag"]
	tokSpace   = fwLexer.Symbols()["Whitespace"]
)

// section is what the lines after a header are.
type section int

const (
	noSection section = iota // before the first header
	skipped                  // a bad or disallowed header: its lines are ignored
	optionsSection
	rulesSection
	aliasesSection
	ipsetSection
	groupSection
)

// extraSections lists the sections each file kind may have besides
// [OPTIONS] and [RULES], which every kind may have (pve-format.md §1.2).
var extraSections = map[Kind][]section{
	Cluster: {aliasesSection, ipsetSection, groupSection},
	Guest:   {aliasesSection, ipsetSection},
}

// Parse reads one .fw file of the given kind. It reports every bad line with
// a diagnostic and keeps the good ones, so one run shows every problem. Data
// lines before the first header are reported once, at the first of them; the
// lines of a section whose header is bad or not allowed in this kind of file
// are skipped without further diagnostics.
func Parse(name string, kind Kind, src []byte) (*File, ir.Diags) {
	p := &fileParser{f: &File{Name: name, Kind: kind}}
	lex, err := fwLexer.LexString(name, string(src))
	if err == nil {
		p.lex, err = lexer.Upgrade(lex, tokSpace)
	}
	if err != nil {
		// The lexer has a catch-all word, so this is a bug; report it
		// rather than losing the file silently.
		p.syntax(err)
		return p.f, p.diags
	}
	for p.line() {
	}
	return p.f, p.diags
}

// fileParser holds the state of the line loop.
type fileParser struct {
	f       *File
	lex     *lexer.PeekingLexer
	diags   ir.Diags
	sect    section
	ipset   *IPSet
	group   *Group
	outside bool // the data-outside-section error was given
}

// line handles one line and reports whether there are more.
func (p *fileParser) line() bool {
	t := p.lex.Peek()
	switch {
	case t.EOF():
		return false
	case t.Type == tokEOL || t.Type == tokComment:
		p.lex.Next()
	case t.Type == tokPunct && t.Value == "[":
		p.header()
	default:
		p.data()
	}
	return true
}

// header parses a section header and switches the current section.
func (p *fileParser) header() {
	h, ok := parseLine(p, headerParser)
	if !ok {
		p.sect = skipped
		return
	}
	switch strings.ToUpper(h.Plain + h.Named) {
	case "OPTIONS":
		p.sect = optionsSection
	case "RULES":
		p.sect = rulesSection
	case "ALIASES":
		p.sect = aliasesSection
	case "IPSET":
		p.sect = ipsetSection
		p.ipset = &IPSet{Pos: h.Pos, Name: h.Name.Text, NamePos: h.Name.Pos, Comment: comment(h.Comment)}
	case "GROUP":
		p.sect = groupSection
		p.group = &Group{Pos: h.Pos, Name: h.Name.Text, NamePos: h.Name.Pos, Comment: comment(h.Comment)}
	}
	if !p.allowed(p.sect) {
		p.diags.Add(h.Pos, ir.CodeSectionNotAllowed, "%s section not allowed in a %s file", sectionNames[p.sect], p.f.Kind)
		p.sect = skipped
		return
	}
	// Append only allowed sections, so lower never sees a disallowed one.
	switch p.sect {
	case ipsetSection:
		p.f.IPSets = append(p.f.IPSets, p.ipset)
	case groupSection:
		p.f.Groups = append(p.f.Groups, p.group)
	}
}

// sectionNames spell the sections that may be disallowed.
var sectionNames = map[section]string{aliasesSection: "[ALIASES]", ipsetSection: "[IPSET]", groupSection: "[group]"}

func (p *fileParser) allowed(s section) bool {
	switch s {
	case optionsSection, rulesSection:
		return true
	}
	for _, a := range extraSections[p.f.Kind] {
		if a == s {
			return true
		}
	}
	return false
}

// data parses a line that is not a header with the current section's parser.
func (p *fileParser) data() {
	switch p.sect {
	case noSection:
		if !p.outside {
			p.diags.Add(pos(p.lex.Peek().Pos), ir.CodeDataOutsideSection, "data before the first section header")
			p.outside = true
		}
		p.skipLine()
	case skipped:
		p.skipLine()
	case optionsSection:
		if o, ok := parseLine(p, optionParser); ok {
			p.f.Options = append(p.f.Options, o.option())
		}
	case aliasesSection:
		if a, ok := parseLine(p, aliasParser); ok {
			p.f.Aliases = append(p.f.Aliases, &Alias{Pos: a.Pos, Name: a.Name, Addr: a.Addr.Text, AddrPos: a.Addr.Pos, Comment: comment(a.Comment)})
		}
	case ipsetSection:
		if e, ok := parseLine(p, entryParser); ok {
			p.ipset.Entries = append(p.ipset.Entries, &IPSetEntry{Pos: e.Pos, NoMatch: e.NoMatch, Addr: e.Addr.Text, AddrPos: e.Addr.Pos, Comment: comment(e.Comment)})
		}
	case rulesSection:
		if r, ok := parseLine(p, ruleParser); ok {
			p.f.Rules = append(p.f.Rules, r.rule())
		}
	case groupSection:
		if r, ok := parseLine(p, ruleParser); ok {
			p.group.Rules = append(p.group.Rules, r.rule())
		}
	}
}

// parseLine runs one line parser at the current token. On a syntax error it
// reports one diagnostic and drops the rest of the line.
func parseLine[L any, P line[L]](p *fileParser, lp *participle.Parser[L]) (*L, bool) {
	start := p.lex.MakeCheckpoint()
	l, err := lp.ParseFromLexer(p.lex, participle.AllowTrailing(true))
	if err != nil {
		var uerr *participle.UnexpectedTokenError
		if errors.As(err, &uerr) && l != nil {
			p.diags.Add(pos(uerr.Unexpected.Pos), ir.CodeSyntax, "%s", P(l).syntaxError(&uerr.Unexpected))
		} else {
			p.syntax(err)
		}
		p.lex.LoadCheckpoint(start)
		p.skipLine()
		return nil, false
	}
	return l, true
}

// line is a line struct of grammar.go. Given what it holds after a failed
// parse, it words the error for the unexpected token.
type line[L any] interface {
	*L
	syntaxError(got *lexer.Token) string
}

// syntax records an error that has no unexpected token as a diagnostic.
func (p *fileParser) syntax(err error) {
	var perr participle.Error
	if errors.As(err, &perr) {
		p.diags.Add(pos(perr.Position()), ir.CodeSyntax, "%s", perr.Message())
		return
	}
	p.diags.Add(ir.Pos{Filename: p.f.Name}, ir.CodeSyntax, "%s", err)
}

// unexpected words a syntax error: what was found, in what, and what the
// line should look like.
func unexpected(got *lexer.Token, in, expected string) string {
	var what string
	switch got.Type {
	case lexer.EOF, tokEOL:
		what = "end of line"
	case tokComment:
		what = "comment"
	default:
		what = strconv.Quote(got.Value)
	}
	return fmt.Sprintf("unexpected %s in %s (expected %s)", what, in, expected)
}

func (*headerLine) syntaxError(got *lexer.Token) string {
	return unexpected(got, "section header", "[OPTIONS], [RULES], [ALIASES], [IPSET name] or [group name]")
}

func (*optionLine) syntaxError(got *lexer.Token) string {
	return unexpected(got, "option line", `"key: value"`)
}

func (*aliasLine) syntaxError(got *lexer.Token) string {
	return unexpected(got, "alias line", `"name address [# comment]"`)
}

func (*entryLine) syntaxError(got *lexer.Token) string {
	return unexpected(got, "ip set entry", `"[!]address [# comment]"`)
}

func (r *ruleLine) syntaxError(got *lexer.Token) string {
	switch {
	case r.Type == nil:
		return unexpected(got, "rule", "IN, OUT, FORWARD or GROUP")
	case r.Action == nil:
		return unexpected(got, "rule", "an action")
	case got.Type == tokFlag:
		// The grammar backs off an option whose value is missing and
		// then fails at its flag.
		return fmt.Sprintf("option %q has no value", got.Value)
	}
	return unexpected(got, "rule", `"-option value", a comment or the end of the line`)
}

// skipLine drops tokens up to and including the next EOL.
func (p *fileParser) skipLine() {
	for {
		t := p.lex.Next()
		if t.EOF() || t.Type == tokEOL {
			return
		}
	}
}

func (o *optionLine) option() *Option {
	key := strings.TrimRight(strings.TrimSuffix(o.Key, ":"), " \t")
	opt := &Option{Pos: o.Pos, Key: key, ValuePos: o.Pos}
	// An empty value sits right after the colon.
	opt.ValuePos.Offset += len(o.Key)
	opt.ValuePos.Column += utf8.RuneCountInString(o.Key)
	if o.Value != nil {
		opt.Value = strings.TrimRight(o.Value.Text, " \t\r\f")
		opt.ValuePos = o.Value.Pos
	}
	return opt
}

func (r *ruleLine) rule() *Rule {
	out := &Rule{
		Pos:       r.Pos,
		Disabled:  r.Disabled,
		Type:      r.Type.Text,
		TypePos:   r.Type.Pos,
		Action:    r.Action.Text,
		ActionPos: r.Action.Pos,
		Comment:   comment(r.Comment),
	}
	for _, o := range r.Options {
		out.Options = append(out.Options, &RuleOption{Pos: o.Pos, Name: o.Name, Value: o.Value.Text, ValuePos: o.Value.Pos})
	}
	return out
}

// comment strips the "#" and the blanks around the text.
func comment(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(s, "#"))
}

func pos(p lexer.Position) ir.Pos { return ir.Pos(p) }
