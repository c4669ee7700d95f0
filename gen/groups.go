package gen

// groupDef is a security group of cluster.fw. Bodies use cluster aliases
// and IP sets only, as group bodies have no guest scope.
type groupDef struct {
	name, comment string
	rules         []string
}

// groupPool is every group a tree can define, in the order they are
// written; a tree defines the first groupCount of them.
var groupPool = []groupDef{
	{"ssh-admin", "SSH for admins and the bastion", []string{
		"IN SSH(ACCEPT) -source +management",
		"IN SSH(ACCEPT) -source dc/bastion",
		"IN ACCEPT -source +admins -p tcp -dport 22,2222",
	}},
	{"monitoring", "exporters and ping for Prometheus", []string{
		"IN ACCEPT -source prometheus -p tcp -dport 9100,9113,9187,9104",
		"IN Ping(ACCEPT) -source +monitoring",
		"IN SNMP(ACCEPT) -source prometheus",
	}},
	{"dns-client", "", []string{
		"OUT DNS(ACCEPT) -dest dns1",
		"OUT DNS(ACCEPT) -dest dns2",
		"OUT DNS(ACCEPT) -dest dns6",
	}},
	{"ntp-client", "", []string{
		"OUT NTP(ACCEPT) -dest +ntp-servers",
	}},
	{"web", "public web front ends", []string{
		"IN HTTP(ACCEPT)",
		"IN HTTPS(ACCEPT)",
		"IN ACCEPT -p udp -dport 443 # HTTP/3",
		"IN ACCEPT -source +office -p tcp -dport 8080:8089",
	}},
	{"backup", "Proxmox Backup Server", []string{
		"IN ACCEPT -source backup_server -p tcp -dport 8007",
		"OUT PBS(ACCEPT) -dest backup_server",
	}},
	{"syslog-client", "", []string{
		"OUT Syslog(ACCEPT) -dest loghost",
		"OUT ACCEPT -dest loghost -p tcp -dport 6514",
	}},
	{"db-postgres", "", []string{
		"IN PostgreSQL(ACCEPT) -source +app-servers",
		"IN PostgreSQL(ACCEPT) -source +admins",
		"IN REJECT -p tcp -dport 5432 -log notice",
	}},
	{"db-mysql", "", []string{
		"IN MySQL(ACCEPT) -source +app-servers",
		"IN REJECT -p tcp -dport 3306",
	}},
	{"blocklist", "known abusers, both ways", []string{
		"IN DROP -source +abuse",
		"OUT DROP -dest +abuse -log info",
	}},
	{"mail-out", "mail goes through the relay", []string{
		"OUT ACCEPT -dest mail_relay -p tcp -dport 25,465,587",
		"OUT REJECT -p tcp -dport 25",
	}},
	{"ldap-client", "", []string{
		"OUT LDAPS(ACCEPT) -dest +ldap-servers",
		"OUT LDAP(ACCEPT) -dest +ldap-servers",
	}},
	{"k8s-node", "kubelet, VXLAN and node ports", []string{
		"IN ACCEPT -source +k8s-nodes -p tcp -dport 10250,10256",
		"IN ACCEPT -source +k8s-nodes -p udp -dport 8472",
		"IN ACCEPT -p tcp -dport 30000:32767",
		"OUT ACCEPT -dest +k8s-nodes",
	}},
	{"redis", "", []string{
		"IN ACCEPT -source +app-servers -p tcp -dport 6379,26379",
	}},
	{"icmp-basic", "", []string{
		"IN Ping(ACCEPT)",
		"IN ACCEPT -p icmp -icmp-type destination-unreachable",
		"IN ACCEPT -p icmpv6 -icmp-type packet-too-big",
		"OUT Ping(ACCEPT)",
	}},
	{"nfs-client", "", []string{
		"OUT ACCEPT -dest +storage -p tcp -dport 111,2049",
		"OUT ACCEPT -dest +storage -p udp -dport 111,2049",
	}},
	{"proxy-out", "web access through the proxy and mirrors", []string{
		"OUT ACCEPT -dest proxy -p tcp -dport 3128",
		"OUT Web(ACCEPT) -dest +mirrors",
	}},
	{"rdp", "", []string{
		"IN RDP(ACCEPT) -source +office",
		"IN RDP(ACCEPT) -source +vpn",
	}},
	{"smb", "", []string{
		"IN SMB(ACCEPT) -source +office",
	}},
	{"deny-smb-out", "chatty Windows clients", []string{
		"OUT DROP -p tcp -dport 135,137:139,445 -log debug",
		"OUT DROP -p udp -dport 137:139",
	}},
	{"mail-server", "", []string{
		"IN SMTP(ACCEPT)",
		"IN SMTPS(ACCEPT)",
		"IN Submission(ACCEPT)",
		"IN IMAPS(ACCEPT)",
		"IN POP3S(ACCEPT)",
	}},
	{"k8s-control", "API server and etcd", []string{
		"IN ACCEPT -source +k8s-nodes -p tcp -dport 6443,2379:2380",
		"IN ACCEPT -source +admins -p tcp -dport 6443",
	}},
	{"memcached", "", []string{
		"IN ACCEPT -source +app-servers -p tcp -dport 11211",
		"IN ACCEPT -source +app-servers -p udp -dport 11211",
	}},
	{"ceph-client", "", []string{
		"OUT Ceph(ACCEPT) -dest +storage",
	}},
	{"elastic", "", []string{
		"IN ACCEPT -source +app-servers -p tcp -dport 9200,9300",
		"IN ACCEPT -source prometheus -p tcp -dport 9114",
	}},
	{"rabbitmq", "", []string{
		"IN ACCEPT -source +app-servers -p tcp -dport 5672,15672",
	}},
	{"git", "", []string{
		"OUT Git(ACCEPT) -dest git_server",
		"OUT SSH(ACCEPT) -dest git_server",
	}},
	{"vpn-gw", "", []string{
		"IN OpenVPN(ACCEPT)",
		"IN IPsecnat(ACCEPT)",
	}},
	{"dns-server", "", []string{
		"IN DNS(ACCEPT) -source dc/local_network",
		"IN DNS(ACCEPT) -source +app-servers",
		"IN DNS(ACCEPT) -source +k8s-nodes",
	}},
	{"office-v6", "", []string{
		"IN ACCEPT -source office_v6 -p tcp -dport 443",
		"IN ACCEPT -source office_v6 -p icmpv6 -icmp-type echo-request",
	}},
}

// groupCount is how many groups a tree of n guests defines: 10 for small
// trees, growing to the whole pool (30) from 2,000 guests on.
func groupCount(n int) int {
	return min(len(groupPool), 10+n/100)
}
