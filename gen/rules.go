package gen

import (
	"fmt"
	"strconv"
	"strings"
)

// guestRules lists a guest's rules: its role's GROUP lines, rules of its
// own (non-template guests only), then its role's rules. A line repeated
// by chance is kept once.
func (b *builder) guestRules(g *guest) []string {
	var out []string
	seen := map[string]bool{}
	add := func(l string) {
		key, _, _ := strings.Cut(strings.ReplaceAll(l, "+guest/", "+"), " #")
		if !seen[key] {
			seen[key] = true
			out = append(out, l)
		}
	}
	defined := groupCount(b.opts.Guests)
	for _, grp := range g.role.groups {
		name, _, _ := strings.Cut(grp, " ")
		if groupIndex(name) >= defined {
			continue
		}
		if !g.template && !strings.Contains(grp, " -i ") && len(g.nics) > 1 && b.chance(0.2) {
			grp += " -i net0"
		}
		add("GROUP " + grp)
	}
	if !g.template {
		for _, l := range b.ownRules(g) {
			add(l)
		}
	}
	for _, t := range g.role.rules {
		if (t.nic > 0 && !g.hasNIC(t.nic)) || (!g.template && !t.pinned && b.chance(0.1)) {
			continue
		}
		add(t.line)
	}
	if !g.template && b.chance(0.05) {
		out = append(out, "|IN ACCEPT -p tcp -dport 8000 # testing, disabled")
	}
	return out
}

// groupIndex is the position of a group in groupPool, -1 when missing (a
// typo in the role table, which the lint test then reports).
func groupIndex(name string) int {
	for i, g := range groupPool {
		if g.name == name {
			return i
		}
	}
	return -1
}

var (
	ownMacros = []string{"SSH", "HTTP", "HTTPS", "DNS", "SMTP", "IMAPS", "LDAP", "MySQL", "PostgreSQL",
		"RDP", "SNMP", "Rsync", "VNC", "Syslog", "NTP", "Munin", "Git", "Squid", "Webmin", "Ping"}
	outMacros    = []string{"HTTP", "HTTPS", "DNS", "SMTP", "LDAP", "NTP", "Git", "Rsync"}
	outAliases   = []string{"dc/proxy", "git_server", "dc/backup_server", "mail_relay", "dc/dns1"}
	outSets      = []string{"app-servers", "dc/db-servers", "storage", "dc/mirrors", "k8s-nodes"}
	commonPorts  = []int{22, 25, 53, 80, 110, 143, 389, 443, 636, 993, 1194, 1433, 1521, 2049, 3000, 3306, 3389, 5000, 5432, 5601, 5672, 6379, 8000, 8080, 8443, 8888, 9000, 9090, 9200, 9443, 10000, 27017}
	trustedNames = []string{"+trusted", "+guest/trusted"}
)

// ownRules are a non-template guest's own rules: one using its trusted
// set, one its peer alias, one a tenant alias, and up to four more.
func (b *builder) ownRules(g *guest) []string {
	name, _ := tenantAlias(b.own % tenantCount(b.opts.Guests))
	b.own++
	out := []string{
		fmt.Sprintf("IN ACCEPT -source %s -p tcp -dport %s", pick(b, trustedNames), b.ports()),
		pick(b, []string{
			"IN ACCEPT -source peer -p tcp -dport " + b.ports(),
			"OUT ACCEPT -dest guest/peer -p " + pick(b, []string{"tcp", "udp"}) + " -dport " + b.ports(),
		}),
		fmt.Sprintf("IN %s(ACCEPT) -source dc/%s", pick(b, ownMacros), name),
	}
	for range b.rng.IntN(5) {
		out = append(out, b.ownRule(g))
	}
	return out
}

// ownRule is one rule of a random kind.
func (b *builder) ownRule(g *guest) string {
	switch b.rng.IntN(8) {
	case 0:
		return fmt.Sprintf("IN ACCEPT -source %s -p %s -dport %s", b.addrList(), pick(b, []string{"tcp", "udp"}), b.ports())
	case 1:
		return fmt.Sprintf("OUT ACCEPT -dest +%s -p tcp -dport %s", pick(b, outSets), b.ports())
	case 2:
		return fmt.Sprintf("IN DROP -source 10.%d.%d.0/24 -log info", 100+b.rng.IntN(50), b.rng.IntN(256))
	case 3:
		if k := 1 + b.rng.IntN(2); g.hasNIC(k) {
			return fmt.Sprintf("IN ACCEPT -i net%d -source 10.%d.0.0/12 -p tcp -dport %s", k, 64+16*k, b.ports())
		}
		return "IN ACCEPT -i net0 -p tcp -dport " + b.ports()
	case 4:
		return "IN ACCEPT -p icmp -icmp-type echo-request -source " + pick(b, trustedNames)
	case 5:
		return "IN REJECT -p tcp -dport " + b.ports()
	case 6:
		return fmt.Sprintf("IN ACCEPT -source fd00:200:%x::/48 -p tcp -dport 443", b.rng.IntN(4096))
	default:
		return fmt.Sprintf("OUT %s(ACCEPT) -dest %s", pick(b, outMacros), pick(b, outAliases))
	}
}

// ports is a list of one to four distinct ports or ranges.
func (b *builder) ports() string {
	var items []string
	seen := map[string]bool{}
	for range 1 + b.rng.IntN(4) {
		item := strconv.Itoa(pick(b, commonPorts))
		if b.chance(0.2) {
			lo := 1024 + b.rng.IntN(59000)
			item = fmt.Sprintf("%d:%d", lo, lo+1+b.rng.IntN(100))
		}
		if !seen[item] {
			seen[item] = true
			items = append(items, item)
		}
	}
	return strings.Join(items, ",")
}

// addrList is a list of one to three IPv4 hosts, networks or ranges.
func (b *builder) addrList() string {
	var items []string
	for range 1 + b.rng.IntN(3) {
		x, y := b.rng.IntN(256), b.rng.IntN(250)
		switch b.rng.IntN(3) {
		case 0:
			items = append(items, fmt.Sprintf("10.%d.%d.%d", 100+b.rng.IntN(50), x, 1+y))
		case 1:
			items = append(items, fmt.Sprintf("192.168.%d.0/24", x))
		default:
			items = append(items, fmt.Sprintf("10.20.%d.%d-10.20.%d.%d", x, 1+y, x, 5+y))
		}
	}
	return strings.Join(items, ",")
}
