package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/fwc-project/fwc/ir"
)

// fwLexer splits a .fw file into tokens. Whitespace is elided, EOL is a
// token (the format is line-oriented) and comments are kept, because a
// trailing "# text" is the comment of a rule, alias or IP set entry.
//
// It is stateful rather than simple for one reason: "enable:1" must be a
// key and a value, while "-i vmbr0:1" and "fd00::1" must stay one word. So a
// key is only lexed at the start of a line (state Root), never as a plain
// run of hex digits (an IP set entry may start with "fd00::/8"), and never
// with a blank before its colon (PVE allows none, and the alias line
// "lo6 ::1" must stay a name and an address). After a key, the rest of the
// line is one Value token, as PVE and CFG take it.
var fwLexer = lexer.MustStateful(lexer.Rules{
	"Root": {
		{Name: "Whitespace", Pattern: `[ \t\r\f]+`},
		{Name: "EOL", Pattern: `\n`},
		{Name: "Comment", Pattern: `#[^\n]*`},
		{Name: "Key", Pattern: `[0-9A-Fa-f]*[G-Zg-z_][0-9A-Za-z_]*:`, Action: lexer.Push("Value")},
		{Name: "Punct", Pattern: `[\[\]|!]`, Action: lexer.Push("Line")},
		{Name: "Flag", Pattern: flagPattern, Action: lexer.Push("Line")},
		{Name: "Word", Pattern: wordPattern, Action: lexer.Push("Line")},
	},
	"Line": {
		{Name: "Whitespace", Pattern: `[ \t\r\f]+`},
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		{Name: "Comment", Pattern: `#[^\n]*`},
		{Name: "Punct", Pattern: `[\[\]|!]`},
		{Name: "Flag", Pattern: flagPattern},
		{Name: "Word", Pattern: wordPattern},
	},
	"Value": {
		{Name: "Whitespace", Pattern: `[ \t\r\f]+`},
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		{Name: "Value", Pattern: `[^\s][^\n]*`},
	},
})

const (
	// flagPattern is a rule option word: "-p", "--dport". It runs to the
	// next blank, so "-dport=22" is one (unknown) option for lower to name.
	flagPattern = `--?[A-Za-z][^\s#|!\[\]]*`
	// wordPattern is everything else: actions, names, addresses, CIDRs,
	// "+ipset", "dc/alias", "22:80", "SSH(ACCEPT)". Values are checked in
	// lower, where the messages can name what is wrong.
	wordPattern = `[^\s#|!\[\]]+`
)

// options are shared by every line parser, so all of them read the token
// stream that parse.go lexes once.
var options = []participle.Option{
	participle.Lexer(fwLexer),
	participle.Elide("Whitespace"),
	participle.CaseInsensitive("Word"),
}

// One parser per line shape; parse.go picks one by the current section.
var (
	headerParser = participle.MustBuild[headerLine](options...)
	optionParser = participle.MustBuild[optionLine](options...)
	aliasParser  = participle.MustBuild[aliasLine](options...)
	entryParser  = participle.MustBuild[entryLine](options...)
	ruleParser   = participle.MustBuild[ruleLine](options...)
)

// headerLine is a section header: "[OPTIONS]", "[RULES]", "[ALIASES]", or
// "[IPSET name]" and "[group name]" with an optional comment.
type headerLine struct {
	Pos     ir.Pos
	Plain   string `parser:"'[' ( @('OPTIONS' | 'RULES' | 'ALIASES') ']'"`
	Named   string `parser:"    | @('IPSET' | 'GROUP')"`
	Name    *word  `parser:"      @@ ']'"`
	Comment string `parser:"      @Comment? ) (EOL | EOF)"`
}

// optionLine is "key: value" in [OPTIONS]; the value may be empty.
type optionLine struct {
	Pos   ir.Pos
	Key   string `parser:"@Key"`
	Value *value `parser:"@@? (EOL | EOF)"`
}

// aliasLine is "name address [# comment]" in [ALIASES].
type aliasLine struct {
	Pos     ir.Pos
	Name    string `parser:"@Word"`
	Addr    *word  `parser:"@@"`
	Comment string `parser:"@Comment? (EOL | EOF)"`
}

// entryLine is "[!] address [# comment]" in an IP set.
type entryLine struct {
	Pos     ir.Pos
	NoMatch bool   `parser:"@'!'?"`
	Addr    *word  `parser:"@@"`
	Comment string `parser:"@Comment? (EOL | EOF)"`
}

// ruleLine is "[|]TYPE ACTION [-opt value]... [# comment]" in [RULES] or a
// group. For GROUP rules the action is the group name.
type ruleLine struct {
	Pos      ir.Pos
	Disabled bool       `parser:"@'|'?"`
	Type     *ruleType  `parser:"@@"`
	Action   *word      `parser:"@@"`
	Options  []*ruleOpt `parser:"@@*"`
	Comment  string     `parser:"@Comment? (EOL | EOF)"`
}

// ruleType is the rule's direction, or GROUP.
type ruleType struct {
	Pos  ir.Pos
	Text string `parser:"@('IN' | 'OUT' | 'FORWARD' | 'GROUP')"`
}

// ruleOpt is one "-name value" pair.
type ruleOpt struct {
	Pos   ir.Pos
	Name  string `parser:"@Flag"`
	Value *word  `parser:"@@"`
}

// word is one Word token with its position.
type word struct {
	Pos  ir.Pos
	Text string `parser:"@Word"`
}

// value is the rest of an option line after "key:".
type value struct {
	Pos  ir.Pos
	Text string `parser:"@Value"`
}
