package gen

// role is a guest template: the groups it enters, its own rules and its
// default options. Guest rules may use cluster aliases and IP sets bare or
// with dc/, and the role's guest objects (see guestObjects).
type role struct {
	name                string
	weight              int     // share of guests, in percent
	ctShare             float64 // share of containers among them
	vlan                int     // VLAN tag of net0, 0 for untagged
	policyIn, policyOut string
	logIn               string
	groups              []string // GROUP lines, optionally with -i
	rules               []tmplRule
}

// tmplRule is a rule line; nic > 0 means it names -i net<nic> and is left
// out for guests without that NIC. Non-template guests leave out some rule
// lines at random, except pinned ones, which use the role's guest objects.
type tmplRule struct {
	line   string
	nic    int
	pinned bool
}

func r(line string) tmplRule            { return tmplRule{line: line} }
func onNIC(n int, line string) tmplRule { return tmplRule{line: line, nic: n} }
func pinned(line string) tmplRule       { return tmplRule{line: line, pinned: true} }

var roles = []role{
	{name: "web", weight: 25, ctShare: 0.1, vlan: 20, policyIn: "DROP", policyOut: "ACCEPT", logIn: "info",
		groups: []string{"ssh-admin", "monitoring", "web -i net0", "dns-client", "ntp-client", "backup",
			"syslog-client", "blocklist", "proxy-out", "office-v6"},
		rules: []tmplRule{
			r("IN ACCEPT -source prometheus -p tcp -dport 9113 # nginx exporter"),
			r("IN Ping(ACCEPT) -source +dc/management"),
			r("IN DROP -p icmp -icmp-type timestamp-request"),
			r("IN ACCEPT -source +office -p tcp -dport 9090,9091"),
			r("OUT ACCEPT -dest +app-servers -p tcp -dport 8080,8443"),
			r("OUT ACCEPT -dest mail_relay -p tcp -dport 25,587"),
			r("OUT DROP -p udp -dport 137:139 -log debug"),
			onNIC(1, "IN ACCEPT -i net1 -source 10.80.0.0/12 -p tcp -dport 8080"),
			onNIC(1, "OUT ACCEPT -i net1 -dest +app-servers -p tcp -dport 8080:8089"),
		}},
	{name: "app", weight: 25, ctShare: 0.3, vlan: 30, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "monitoring", "dns-client", "ntp-client", "backup", "syslog-client",
			"ldap-client", "mail-out", "proxy-out", "git"},
		rules: []tmplRule{
			r("IN ACCEPT -source +dc/office -p tcp -dport 8080,8443"),
			r("IN ACCEPT -source 10.64.0.0/12 -p tcp -dport 8080:8089 # from the web tier"),
			r("OUT PostgreSQL(ACCEPT) -dest +db-servers"),
			r("OUT MySQL(ACCEPT) -dest +db-servers"),
			r("OUT ACCEPT -dest +app-servers -p tcp -dport 6379,11211,5672,9200"),
			r("OUT HTTPS(ACCEPT)"),
			r("IN Ping(ACCEPT)"),
			r("OUT Ping(ACCEPT)"),
			onNIC(1, "IN ACCEPT -i net1 -source 10.80.0.0/12 -p tcp -dport 7000:7100"),
		}},
	{name: "db", weight: 10, ctShare: 0.2, vlan: 40, policyIn: "REJECT", policyOut: "DROP", logIn: "notice",
		groups: []string{"ssh-admin", "monitoring", "db-postgres -i net0", "db-mysql -i net0", "dns-client",
			"ntp-client", "backup", "nfs-client", "syslog-client"},
		rules: []tmplRule{
			r("IN ACCEPT -source prometheus -p tcp -dport 9187,9104"),
			pinned("OUT ACCEPT -dest +replicas -p tcp -dport 5432,3306"),
			r("OUT ACCEPT -dest 10.0.4.10 -p tcp -dport 9000 # WAL archive"),
			r("IN Ping(ACCEPT) -source +dc/management"),
			r("OUT HTTPS(ACCEPT) -dest +mirrors"),
			r("IN DROP -p tcp -dport 22 -log warning"),
			onNIC(1, "IN ACCEPT -i net1 -source +guest/replicas -p tcp -dport 5432,3306 # replication"),
		}},
	{name: "k8s", weight: 15, vlan: 50, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "monitoring", "k8s-node", "dns-client", "ntp-client", "ceph-client",
			"syslog-client", "proxy-out", "k8s-control"},
		rules: []tmplRule{
			r("IN HTTP(ACCEPT)"),
			r("IN HTTPS(ACCEPT)"),
			r("IN ACCEPT -source +k8s-nodes -p udp -dport 4789,51820"),
			r("IN BGP(ACCEPT) -source +k8s-nodes"),
			r("IN IPIP(ACCEPT) -source +k8s-nodes"),
			r("OUT ACCEPT -p tcp -dport 80,443,8080"),
			r("IN Ping(ACCEPT)"),
			r("OUT Ping(ACCEPT)"),
		}},
	{name: "cache", weight: 5, ctShare: 0.5, vlan: 30, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "monitoring", "redis", "memcached", "dns-client", "ntp-client", "syslog-client"},
		rules: []tmplRule{
			r("IN ACCEPT -source prometheus -p tcp -dport 9121,9150"),
			r("IN ACCEPT -source +app-servers -p tcp -dport 6380:6389"),
			r("OUT ACCEPT -dest +app-servers -p tcp -dport 26379"),
			r("IN REJECT -p tcp -dport 6379 -log info"),
			r("IN Ping(ACCEPT)"),
		}},
	{name: "win", weight: 8, vlan: 60, policyIn: "DROP", policyOut: "REJECT", logIn: "info",
		groups: []string{"rdp", "smb", "icmp-basic", "dns-client", "ntp-client", "deny-smb-out", "ldap-client", "backup"},
		rules: []tmplRule{
			r("IN ACCEPT -source +office -p tcp -dport 5985,5986 # WinRM"),
			r("IN ACCEPT -source +admins -p tcp -dport 3389"),
			r("OUT Web(ACCEPT)"),
			r("OUT ACCEPT -dest 10.0.0.60 -p tcp -dport 1688 # KMS"),
			r("OUT ACCEPT -dest +ldap-servers -p tcp -dport 88,464"),
			r("OUT ACCEPT -dest +ldap-servers -p udp -dport 88,464"),
		}},
	{name: "dns", weight: 3, ctShare: 0.9, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "monitoring", "dns-server", "ntp-client", "syslog-client"},
		rules: []tmplRule{
			pinned("IN DNS(ACCEPT) -source clients"),
			pinned("IN DNS(ACCEPT) -source guest/clients6"),
			r("OUT ACCEPT -p udp -dport 53 -sport 1024:65535"),
			r("OUT ACCEPT -p tcp -dport 53,853"),
			r("IN NeighborDiscovery(ACCEPT)"),
			r("IN Ping(ACCEPT)"),
		}},
	{name: "mail", weight: 2, ctShare: 0.5, policyIn: "DROP", policyOut: "DROP", logIn: "warning",
		groups: []string{"ssh-admin", "monitoring", "mail-server", "dns-client", "ntp-client", "backup",
			"blocklist", "syslog-client"},
		rules: []tmplRule{
			r("OUT SMTP(ACCEPT)"),
			r("IN ACCEPT -source +office -p tcp -dport 4190 # sieve"),
			r("IN DROP -source +blacklist -p tcp -dport 25 -log info"),
			r("OUT HTTPS(ACCEPT) -dest +mirrors"),
		}},
	{name: "vpn", weight: 2, ctShare: 0.5, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "monitoring", "vpn-gw", "dns-client", "ntp-client"},
		rules: []tmplRule{
			r("IN ACCEPT -p udp -dport 51820 # WireGuard"),
			r("IN Ping(ACCEPT)"),
			onNIC(1, "OUT ACCEPT -i net1 -dest 10.80.0.0/12"),
		}},
	{name: "dev", weight: 5, ctShare: 0.6, vlan: 70, policyIn: "DROP", policyOut: "ACCEPT",
		groups: []string{"ssh-admin", "git", "dns-client", "ntp-client", "proxy-out", "elastic", "rabbitmq"},
		rules: []tmplRule{
			r("IN ACCEPT -source +office -p tcp -dport 3000:3999"),
			r("IN ACCEPT -source +vpn -p tcp -dport 3000:3999"),
			r("IN SSH(ACCEPT) -source +office"),
			r("OUT ACCEPT"),
		}},
}

// pickRole draws a role by weight.
func (b *builder) pickRole() *role {
	x := b.rng.IntN(100)
	for i := range roles {
		if x < roles[i].weight {
			return &roles[i]
		}
		x -= roles[i].weight
	}
	return &roles[len(roles)-1]
}
