package macros

import "github.com/fwc-project/fwc/ir"

// table is pve-format.md §5: PVE's 86 macros in canonical spelling, each
// with its description and entries in evaluation order, plus fwc's
// extension PBS; sorted by name, case-insensitively. Ping and Trcrt carry both PVE's IPv4 template and its IPv6
// override (ICMPv6 echo-request); DHCPv6 and NeighborDiscovery exist only
// in PVE's IPv6 ruleset.
var table = []Macro{
	{Name: "Amanda", Doc: "Amanda Backup", Entries: []Entry{
		{Proto: "udp", DPort: "10080"},
		{Proto: "tcp", DPort: "10080"},
	}},
	{Name: "Auth", Doc: "Auth (identd) traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "113"},
	}},
	{Name: "BGP", Doc: "Border Gateway Protocol traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "179"},
	}},
	{Name: "BitTorrent", Doc: "BitTorrent traffic for BitTorrent 3.1 and earlier", Entries: []Entry{
		{Proto: "tcp", DPort: "6881:6889"},
		{Proto: "udp", DPort: "6881"},
	}},
	{Name: "BitTorrent32", Doc: "BitTorrent traffic for BitTorrent 3.2 and later", Entries: []Entry{
		{Proto: "tcp", DPort: "6881:6999"},
		{Proto: "udp", DPort: "6881"},
	}},
	{Name: "Ceph", Doc: "Ceph Storage Cluster traffic (Ceph Monitors, OSD & MDS Daemons)", Entries: []Entry{
		{Proto: "tcp", DPort: "6789"},
		{Proto: "tcp", DPort: "3300"},
		{Proto: "tcp", DPort: "6800:7300"},
	}},
	{Name: "Citrix", Doc: "Citrix/ICA traffic (ICA, ICA Browser, CGP)", Entries: []Entry{
		{Proto: "tcp", DPort: "1494"},
		{Proto: "udp", DPort: "1604"},
		{Proto: "tcp", DPort: "2598"},
	}},
	{Name: "CVS", Doc: "Concurrent Versions System pserver traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "2401"},
	}},
	{Name: "DAAP", Doc: "Digital Audio Access Protocol traffic (iTunes, Rythmbox daemons)", Entries: []Entry{
		{Proto: "tcp", DPort: "3689"},
		{Proto: "udp", DPort: "3689"},
	}},
	{Name: "DCC", Doc: "Distributed Checksum Clearinghouse spam filtering mechanism", Entries: []Entry{
		{Proto: "tcp", DPort: "6277"},
	}},
	{Name: "DHCPfwd", Doc: "Forwarded DHCP traffic", Entries: []Entry{
		{Proto: "udp", DPort: "67:68", SPort: "67:68"},
	}},
	{Name: "DHCPv6", Doc: "DHCPv6 traffic", Entries: []Entry{
		{Proto: "udp", DPort: "546:547", SPort: "546:547", Family: ir.IPv6},
	}},
	{Name: "Distcc", Doc: "Distributed Compiler service", Entries: []Entry{
		{Proto: "tcp", DPort: "3632"},
	}},
	{Name: "DNS", Doc: "Domain Name System traffic (upd and tcp)", Entries: []Entry{
		{Proto: "udp", DPort: "53"},
		{Proto: "tcp", DPort: "53"},
	}},
	{Name: "Finger", Doc: "Finger protocol (RFC 742)", Entries: []Entry{
		{Proto: "tcp", DPort: "79"},
	}},
	{Name: "FTP", Doc: "File Transfer Protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "21"},
	}},
	{Name: "Git", Doc: "Git distributed revision control traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "9418"},
	}},
	{Name: "GNUnet", Doc: "GNUnet secure peer-to-peer networking traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "2086"},
		{Proto: "udp", DPort: "2086"},
		{Proto: "tcp", DPort: "1080"},
		{Proto: "udp", DPort: "1080"},
	}},
	{Name: "GRE", Doc: "Generic Routing Encapsulation tunneling protocol", Entries: []Entry{
		{Proto: "47"},
	}},
	{Name: "HKP", Doc: "OpenPGP HTTP key server protocol traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "11371"},
	}},
	{Name: "HTTP", Doc: "Hypertext Transfer Protocol (WWW)", Entries: []Entry{
		{Proto: "tcp", DPort: "80"},
	}},
	{Name: "HTTPS", Doc: "Hypertext Transfer Protocol (WWW) over SSL", Entries: []Entry{
		{Proto: "tcp", DPort: "443"},
	}},
	{Name: "ICPV2", Doc: "Internet Cache Protocol V2 (Squid) traffic", Entries: []Entry{
		{Proto: "udp", DPort: "3130"},
	}},
	{Name: "ICQ", Doc: "AOL Instant Messenger traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "5190"},
	}},
	{Name: "IMAP", Doc: "Internet Message Access Protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "143"},
	}},
	{Name: "IMAPS", Doc: "Internet Message Access Protocol over SSL", Entries: []Entry{
		{Proto: "tcp", DPort: "993"},
	}},
	{Name: "IPIP", Doc: "IPIP capsulation traffic", Entries: []Entry{
		{Proto: "94"},
	}},
	{Name: "IPsec", Doc: "IPsec traffic", Entries: []Entry{
		{Proto: "udp", DPort: "500", SPort: "500"},
		{Proto: "50"},
	}},
	{Name: "IPsecah", Doc: "IPsec authentication (AH) traffic", Entries: []Entry{
		{Proto: "udp", DPort: "500", SPort: "500"},
		{Proto: "51"},
	}},
	{Name: "IPsecnat", Doc: "IPsec traffic and Nat-Traversal", Entries: []Entry{
		{Proto: "udp", DPort: "500"},
		{Proto: "udp", DPort: "4500"},
		{Proto: "50"},
	}},
	{Name: "IRC", Doc: "Internet Relay Chat traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "6667"},
	}},
	{Name: "Jetdirect", Doc: "HP Jetdirect printing", Entries: []Entry{
		{Proto: "tcp", DPort: "9100"},
	}},
	{Name: "L2TP", Doc: "Layer 2 Tunneling Protocol traffic", Entries: []Entry{
		{Proto: "udp", DPort: "1701"},
	}},
	{Name: "LDAP", Doc: "Lightweight Directory Access Protocol traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "389"},
	}},
	{Name: "LDAPS", Doc: "Secure Lightweight Directory Access Protocol traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "636"},
	}},
	{Name: "Mail", Doc: "Mail traffic (SMTP, SMTPS, Submission)", Entries: []Entry{
		{Proto: "tcp", DPort: "25"},
		{Proto: "tcp", DPort: "465"},
		{Proto: "tcp", DPort: "587"},
	}},
	{Name: "MDNS", Doc: "Multicast DNS", Entries: []Entry{
		{Proto: "udp", DPort: "5353"},
	}},
	{Name: "MSNP", Doc: "Microsoft Notification Protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "1863"},
	}},
	{Name: "MSSQL", Doc: "Microsoft SQL Server", Entries: []Entry{
		{Proto: "tcp", DPort: "1433"},
	}},
	{Name: "Munin", Doc: "Munin networked resource monitoring traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "4949"},
	}},
	{Name: "MySQL", Doc: "MySQL server", Entries: []Entry{
		{Proto: "tcp", DPort: "3306"},
	}},
	{Name: "NeighborDiscovery", Doc: "IPv6 neighbor solicitation, neighbor and router advertisement", Entries: []Entry{
		{Proto: "icmpv6", DPort: "router-solicitation", Family: ir.IPv6},
		{Proto: "icmpv6", DPort: "router-advertisement", Family: ir.IPv6},
		{Proto: "icmpv6", DPort: "neighbor-solicitation", Family: ir.IPv6},
		{Proto: "icmpv6", DPort: "neighbor-advertisement", Family: ir.IPv6},
	}},
	{Name: "NNTP", Doc: "NNTP traffic (Usenet).", Entries: []Entry{
		{Proto: "tcp", DPort: "119"},
	}},
	{Name: "NNTPS", Doc: "Encrypted NNTP traffic (Usenet)", Entries: []Entry{
		{Proto: "tcp", DPort: "563"},
	}},
	{Name: "NTP", Doc: "Network Time Protocol (ntpd)", Entries: []Entry{
		{Proto: "udp", DPort: "123"},
	}},
	{Name: "OpenVPN", Doc: "OpenVPN traffic", Entries: []Entry{
		{Proto: "udp", DPort: "1194"},
	}},
	{Name: "OSPF", Doc: "OSPF multicast traffic", Entries: []Entry{
		{Proto: "89"},
	}},
	{Name: "PBS", Doc: "Proxmox Backup Server", Extension: true, Entries: []Entry{
		{Proto: "tcp", DPort: "8007"},
	}},
	{Name: "PCA", Doc: "Symantec PCAnywere (tm)", Entries: []Entry{
		{Proto: "udp", DPort: "5632"},
		{Proto: "tcp", DPort: "5631"},
	}},
	{Name: "Ping", Doc: "ICMP echo request", Entries: []Entry{
		{Proto: "icmp", DPort: "echo-request", Family: ir.IPv4},
		{Proto: "icmpv6", DPort: "echo-request", Family: ir.IPv6},
	}},
	{Name: "PMG", Doc: "Proxmox Mail Gateway web interface", Entries: []Entry{
		{Proto: "tcp", DPort: "8006"},
	}},
	{Name: "POP3", Doc: "POP3 traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "110"},
	}},
	{Name: "POP3S", Doc: "Encrypted POP3 traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "995"},
	}},
	{Name: "PostgreSQL", Doc: "PostgreSQL server", Entries: []Entry{
		{Proto: "tcp", DPort: "5432"},
	}},
	{Name: "PPtP", Doc: "Point-to-Point Tunneling Protocol", Entries: []Entry{
		{Proto: "47"},
		{Proto: "tcp", DPort: "1723"},
	}},
	{Name: "Printer", Doc: "Line Printer protocol printing", Entries: []Entry{
		{Proto: "tcp", DPort: "515"},
	}},
	{Name: "Razor", Doc: "Razor Antispam System", Entries: []Entry{
		{Proto: "tcp", DPort: "2703"},
	}},
	{Name: "Rdate", Doc: "Remote time retrieval (rdate)", Entries: []Entry{
		{Proto: "tcp", DPort: "37"},
	}},
	{Name: "RDP", Doc: "Microsoft Remote Desktop Protocol traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "3389"},
	}},
	{Name: "RIP", Doc: "Routing Information Protocol (bidirectional)", Entries: []Entry{
		{Proto: "udp", DPort: "520"},
	}},
	{Name: "RNDC", Doc: "BIND remote management protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "953"},
	}},
	{Name: "Rsync", Doc: "Rsync server", Entries: []Entry{
		{Proto: "tcp", DPort: "873"},
	}},
	{Name: "SANE", Doc: "SANE network scanning", Entries: []Entry{
		{Proto: "tcp", DPort: "6566"},
	}},
	{Name: "SixXS", Doc: "SixXS IPv6 Deployment and Tunnel Broker", Entries: []Entry{
		{Proto: "tcp", DPort: "3874"},
		{Proto: "udp", DPort: "3740"},
		{Proto: "41"},
		{Proto: "udp", DPort: "5072,8374"},
	}},
	{Name: "SMB", Doc: "Microsoft SMB traffic", Entries: []Entry{
		{Proto: "udp", DPort: "135,445"},
		{Proto: "udp", DPort: "137:139"},
		{Proto: "udp", DPort: "1024:65535", SPort: "137"},
		{Proto: "tcp", DPort: "135,139,445"},
	}},
	{Name: "SMBswat", Doc: "Samba Web Administration Tool", Entries: []Entry{
		{Proto: "tcp", DPort: "901"},
	}},
	{Name: "SMTP", Doc: "Simple Mail Transfer Protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "25"},
	}},
	{Name: "SMTPS", Doc: "Encrypted Simple Mail Transfer Protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "465"},
	}},
	{Name: "SNMP", Doc: "Simple Network Management Protocol", Entries: []Entry{
		{Proto: "udp", DPort: "161:162"},
		{Proto: "tcp", DPort: "161"},
	}},
	{Name: "SPAMD", Doc: "Spam Assassin SPAMD traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "783"},
	}},
	{Name: "SPICEproxy", Doc: "Proxmox VE SPICE display proxy traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "3128"},
	}},
	{Name: "Squid", Doc: "Squid web proxy traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "3128"},
	}},
	{Name: "SSH", Doc: "Secure shell traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "22"},
	}},
	{Name: "Submission", Doc: "Mail message submission traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "587"},
	}},
	{Name: "SVN", Doc: "Subversion server (svnserve)", Entries: []Entry{
		{Proto: "tcp", DPort: "3690"},
	}},
	{Name: "Syslog", Doc: "Syslog protocol (RFC 5424) traffic", Entries: []Entry{
		{Proto: "udp", DPort: "514"},
		{Proto: "tcp", DPort: "514"},
	}},
	{Name: "Telnet", Doc: "Telnet traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "23"},
	}},
	{Name: "Telnets", Doc: "Telnet over SSL", Entries: []Entry{
		{Proto: "tcp", DPort: "992"},
	}},
	{Name: "TFTP", Doc: "Trivial File Transfer Protocol traffic", Entries: []Entry{
		{Proto: "udp", DPort: "69"},
	}},
	{Name: "Time", Doc: "RFC 868 Time protocol", Entries: []Entry{
		{Proto: "tcp", DPort: "37"},
	}},
	{Name: "Trcrt", Doc: "Traceroute (for up to 30 hops) traffic", Entries: []Entry{
		{Proto: "udp", DPort: "33434:33524"},
		{Proto: "icmp", DPort: "echo-request", Family: ir.IPv4},
		{Proto: "icmpv6", DPort: "echo-request", Family: ir.IPv6},
	}},
	{Name: "VNC", Doc: "VNC traffic for VNC display's 0 - 99", Entries: []Entry{
		{Proto: "tcp", DPort: "5900:5999"},
	}},
	{Name: "VNCL", Doc: "VNC traffic from Vncservers to Vncviewers in listen mode", Entries: []Entry{
		{Proto: "tcp", DPort: "5500"},
	}},
	{Name: "Web", Doc: "WWW traffic (HTTP and HTTPS)", Entries: []Entry{
		{Proto: "tcp", DPort: "80"},
		{Proto: "tcp", DPort: "443"},
	}},
	{Name: "Webcache", Doc: "Web Cache/Proxy traffic (port 8080)", Entries: []Entry{
		{Proto: "tcp", DPort: "8080"},
	}},
	{Name: "Webmin", Doc: "Webmin traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "10000"},
	}},
	{Name: "Whois", Doc: "Whois (nicname, RFC 3912) traffic", Entries: []Entry{
		{Proto: "tcp", DPort: "43"},
	}},
}
