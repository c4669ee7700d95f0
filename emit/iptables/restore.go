package iptables

import (
	"bytes"
	"strings"
)

// table collects the chains of one iptables table in creation order and
// prints them in iptables-restore syntax. Every chain is declared, so
// "iptables-restore --noflush" flushes it before refilling it: re-applying
// a bundle replaces fwc's chains and leaves every other chain alone.
type table struct {
	name   string
	chains []*chain
	byName map[string]*chain
}

type chain struct {
	name  string
	rules []string
}

func newTable(name string) *table {
	return &table{name: name, byName: map[string]*chain{}}
}

// chain returns the named chain, creating it on first use.
func (t *table) chain(name string) *chain {
	if c, ok := t.byName[name]; ok {
		return c
	}
	c := &chain{name: name}
	t.chains = append(t.chains, c)
	t.byName[name] = c
	return c
}

func (t *table) has(name string) bool { _, ok := t.byName[name]; return ok }

// add appends one rule made of space-joined parts, skipping empty ones.
func (c *chain) add(parts ...string) {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	c.rules = append(c.rules, b.String())
}

// write prints the table; policy is the declaration suffix ("- [0:0]" for
// iptables, "RETURN" for ebtables user chains).
func (t *table) write(b *bytes.Buffer, policy string) {
	b.WriteString("*" + t.name + "\n")
	for _, c := range t.chains {
		b.WriteString(":" + c.name + " " + policy + "\n")
	}
	for _, c := range t.chains {
		for _, r := range c.rules {
			b.WriteString("-A " + c.name)
			if r != "" {
				b.WriteString(" " + r)
			}
			b.WriteByte('\n')
		}
	}
	b.WriteString("COMMIT\n")
}
