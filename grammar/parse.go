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
	return NewParser().Parse(name, kind, src)
}

// Parser parses files like Parse and remembers every line it has parsed,
// so a line seen before costs a map look-up and a copy. The files of a
// cluster repeat many lines (GROUP lines, options, macro rules), and
// participle takes microseconds per line. A Parser is not safe for
// concurrent use; ParseAll gives each goroutine its own.
type Parser struct {
	headers memo[headerLine]
	options memo[Option]
	aliases memo[Alias]
	entries memo[IPSetEntry]
	rules   memo[Rule]
}

// NewParser returns a Parser that has seen no line.
func NewParser() *Parser {
	return &Parser{headers: memo[headerLine]{}, options: memo[Option]{}, aliases: memo[Alias]{}, entries: memo[IPSetEntry]{}, rules: memo[Rule]{}}
}

// Parse is the package's Parse, with the lines this Parser has seen.
//
// Every line starts in the lexer's Root state (EOL returns there from
// every state), so lines are lexed and parsed one by one; the parse of
// a line depends on nothing but its text and its section's line parser.
func (ps *Parser) Parse(name string, kind Kind, src []byte) (*File, ir.Diags) {
	p := &fileParser{ps: ps, f: &File{Name: name, Kind: kind}}
	s := string(src)
	for off, n := 0, 1; off < len(s); n++ {
		end := strings.IndexByte(s[off:], '\n') + 1
		if end == 0 {
			end = len(s) - off
		}
		p.at = shift{file: name, offset: off, line: n - 1}
		p.line(s[off : off+end])
		off += end
	}
	return p.f, p.diags
}

// fileParser holds the state of the line loop.
type fileParser struct {
	ps      *Parser
	f       *File
	at      shift // from the current line's position to the file's
	diags   ir.Diags
	sect    section
	ipset   *IPSet
	group   *Group
	outside bool // the data-outside-section error was given
}

// line handles one line, with its newline if it has one.
func (p *fileParser) line(text string) {
	// Whitespace as the lexer's Whitespace token; the first token
	// decides what the line is.
	first := len(text) - len(strings.TrimLeft(text, " \t\r\f"))
	switch {
	case first == len(text) || text[first] == '\n' || text[first] == '#':
		// Blank or comment line.
	case text[first] == '[':
		p.header(text)
	default:
		p.data(text, first)
	}
}

// header parses a section header and switches the current section.
func (p *fileParser) header(text string) {
	h, ok := parseLine(p, p.ps.headers, headerParser, (*headerLine).self, text)
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

// data parses a line that is not a header with the current section's
// parser; first is the offset of its first token.
func (p *fileParser) data(text string, first int) {
	switch p.sect {
	case noSection:
		if !p.outside {
			// The leading blanks are ASCII: one column each.
			p.diags.Add(p.at.pos(ir.Pos{Offset: first, Line: 1, Column: first + 1}), ir.CodeDataOutsideSection, "data before the first section header")
			p.outside = true
		}
	case skipped:
	case optionsSection:
		if o, ok := parseLine(p, p.ps.options, optionParser, (*optionLine).option, text); ok {
			p.f.Options = append(p.f.Options, o)
		}
	case aliasesSection:
		if a, ok := parseLine(p, p.ps.aliases, aliasParser, (*aliasLine).alias, text); ok {
			p.f.Aliases = append(p.f.Aliases, a)
		}
	case ipsetSection:
		if e, ok := parseLine(p, p.ps.entries, entryParser, (*entryLine).entry, text); ok {
			p.ipset.Entries = append(p.ipset.Entries, e)
		}
	case rulesSection:
		if r, ok := parseLine(p, p.ps.rules, ruleParser, (*ruleLine).rule, text); ok {
			p.f.Rules = append(p.f.Rules, r)
		}
	case groupSection:
		if r, ok := parseLine(p, p.ps.rules, ruleParser, (*ruleLine).rule, text); ok {
			p.group.Rules = append(p.group.Rules, r)
		}
	}
}

// memo holds the parse of every line text seen, at the position of a
// file's first line, for one line parser.
type memo[T any] map[string]parsedLine[T]

// parsedLine is a line's result, or its diagnostic when v is nil.
type parsedLine[T any] struct {
	v     *T
	diags ir.Diags
}

// shifted is a line's result that can be copied to another position.
type shifted[T any] interface {
	*T
	shift(s shift) *T
}

// parseLine returns the result of one line, copied to the current line's
// position, and records the diagnostic of a bad line.
func parseLine[T any, L any, S shifted[T], P line[L]](p *fileParser, m memo[T], lp *participle.Parser[L], conv func(*L) *T, text string) (*T, bool) {
	r, ok := m[text]
	if !ok {
		r = parseText[T, L, P](lp, conv, text)
		m[text] = r
	}
	for _, d := range r.diags {
		d.Pos = p.at.pos(d.Pos)
		p.diags = append(p.diags, d)
	}
	if r.v == nil {
		return nil, false
	}
	return S(r.v).shift(p.at), true
}

// parseText lexes and parses one line alone. On a syntax error it returns
// one diagnostic.
func parseText[T any, L any, P line[L]](lp *participle.Parser[L], conv func(*L) *T, text string) parsedLine[T] {
	var r parsedLine[T]
	lex, err := fwLexer.LexString("", text)
	var pl *lexer.PeekingLexer
	if err == nil {
		pl, err = lexer.Upgrade(lex, tokSpace)
	}
	if err != nil {
		// The lexer has a catch-all word, so this is a bug; report it
		// rather than losing the line silently.
		r.diags = syntax(err)
		return r
	}
	l, err := lp.ParseFromLexer(pl, participle.AllowTrailing(true))
	if err != nil {
		var uerr *participle.UnexpectedTokenError
		if errors.As(err, &uerr) && l != nil {
			r.diags.Add(pos(uerr.Unexpected.Pos), ir.CodeSyntax, "%s", P(l).syntaxError(&uerr.Unexpected))
		} else {
			r.diags = syntax(err)
		}
		return r
	}
	r.v = conv(l)
	return r
}

// shift moves a position on a file's first line to a line of a named
// file.
type shift struct {
	file         string
	offset, line int
}

func (s shift) pos(p ir.Pos) ir.Pos {
	p.Filename = s.file
	if p.Line > 0 { // a position without a line stays at the file
		p.Offset += s.offset
		p.Line += s.line
	}
	return p
}

// line is a line struct of grammar.go. Given what it holds after a failed
// parse, it words the error for the unexpected token.
type line[L any] interface {
	*L
	syntaxError(got *lexer.Token) string
}

// syntax words an error that has no unexpected token as a diagnostic.
func syntax(err error) ir.Diags {
	var ds ir.Diags
	var perr participle.Error
	if errors.As(err, &perr) {
		ds.Add(pos(perr.Position()), ir.CodeSyntax, "%s", perr.Message())
	} else {
		ds.Add(ir.Pos{}, ir.CodeSyntax, "%s", err)
	}
	return ds
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

func (h *headerLine) self() *headerLine { return h }

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

func (a *aliasLine) alias() *Alias {
	return &Alias{Pos: a.Pos, Name: a.Name, Addr: a.Addr.Text, AddrPos: a.Addr.Pos, Comment: comment(a.Comment)}
}

func (e *entryLine) entry() *IPSetEntry {
	return &IPSetEntry{Pos: e.Pos, NoMatch: e.NoMatch, Addr: e.Addr.Text, AddrPos: e.Addr.Pos, Comment: comment(e.Comment)}
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

// The shift methods copy a remembered line to the line being parsed.

func (h *headerLine) shift(s shift) *headerLine {
	c := *h
	c.Pos = s.pos(c.Pos)
	if c.Name != nil {
		c.Name = &word{Pos: s.pos(c.Name.Pos), Text: c.Name.Text}
	}
	return &c
}

func (o *Option) shift(s shift) *Option {
	c := *o
	c.Pos, c.ValuePos = s.pos(c.Pos), s.pos(c.ValuePos)
	return &c
}

func (a *Alias) shift(s shift) *Alias {
	c := *a
	c.Pos, c.AddrPos = s.pos(c.Pos), s.pos(c.AddrPos)
	return &c
}

func (e *IPSetEntry) shift(s shift) *IPSetEntry {
	c := *e
	c.Pos, c.AddrPos = s.pos(c.Pos), s.pos(c.AddrPos)
	return &c
}

func (r *Rule) shift(s shift) *Rule {
	c := *r
	c.Pos, c.TypePos, c.ActionPos = s.pos(c.Pos), s.pos(c.TypePos), s.pos(c.ActionPos)
	if r.Options != nil {
		// One allocation for the options of the copy.
		opts := make([]RuleOption, len(r.Options))
		c.Options = make([]*RuleOption, len(r.Options))
		for i, o := range r.Options {
			opts[i] = *o
			opts[i].Pos, opts[i].ValuePos = s.pos(o.Pos), s.pos(o.ValuePos)
			c.Options[i] = &opts[i]
		}
	}
	return &c
}

// comment strips the "#" and the blanks around the text.
func comment(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(s, "#"))
}

func pos(p lexer.Position) ir.Pos { return ir.Pos(p) }
