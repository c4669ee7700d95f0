package lab

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/fwc-project/fwc/lab/packet"
)

// Verdict is what a probe observed or expects.
type Verdict int

// Verdicts. Forged probes only tell Accept (delivered) from Drop.
const (
	Accept Verdict = iota + 1
	Drop
	Reject
)

func (v Verdict) String() string {
	switch v {
	case Accept:
		return "ACCEPT"
	case Drop:
		return "DROP"
	case Reject:
		return "REJECT"
	}
	return "NONE"
}

// EndKind says which namespace an endpoint is.
type EndKind int

// Endpoint kinds.
const (
	Host EndKind = iota + 1
	Outside
	GuestEnd
)

// Endpoint names one side of a probe: host, outside, or a guest NIC.
type Endpoint struct {
	Kind   EndKind
	Prefix string     // "vm" or "ct" for guests
	VMID   int        // guests only
	NIC    int        // netN index; -1 picks the guest's first NIC
	Addr   netip.Addr // explicit @address, else chosen by the probe's family
}

func (e Endpoint) String() string {
	var s string
	switch e.Kind {
	case Host:
		s = "host"
	case Outside:
		s = "outside"
	default:
		s = e.Prefix + strconv.Itoa(e.VMID)
		if e.NIC >= 0 {
			s += "/net" + strconv.Itoa(e.NIC)
		}
	}
	if e.Addr.IsValid() {
		s += "@" + e.Addr.String()
	}
	return s
}

// Frame is a forged link-layer probe that carries its own protocol.
type Frame int

// Frame kinds; NoFrame means the probe is a service probe (tcp, udp, icmp).
const (
	NoFrame         Frame = iota
	ARP                   // ARP request, sender IP/MAC possibly foreign
	RouterAdvert          // ICMPv6 router advertisement to ff02::1
	DHCPOffer             // DHCPv4 server reply, broadcast
	DHCPDiscover          // DHCPv4 client request, broadcast
	DHCP6Advertise        // DHCPv6 server reply to ff02::1
	DHCP6Solicit          // DHCPv6 client request to ff02::1:2
	NeighborSolicit       // NDP solicitation for the destination's address
	NeighborAdvert        // unsolicited NDP advertisement claiming an address
	OtherFrame            // a frame of another ethertype (ethertype HEX)
)

var frameWords = map[string]Frame{
	"arp":             ARP,
	"arp-spoof":       ARP,
	"send-ra":         RouterAdvert,
	"dhcp-offer":      DHCPOffer,
	"dhcp-discover":   DHCPDiscover,
	"dhcp6-advertise": DHCP6Advertise,
	"dhcp6-solicit":   DHCP6Solicit,
	"ndp":             NeighborSolicit,
	"ndp-spoof":       NeighborAdvert,
}

// Tag is a VLAN tag a forged frame carries: 802.1Q, or 802.1ad (S).
type Tag struct {
	S   bool
	VID uint16
}

// Probe is one expectation line of a scenario.
type Probe struct {
	Line int    // 1-based line in the expect section
	Text string // the line as written, comment stripped

	Src, Dst Endpoint
	SpoofIP  netip.Addr       // spoof-ip: forged source address
	SpoofMAC net.HardwareAddr // spoof-mac: forged source MAC
	Frame    Frame
	ClaimIP  netip.Addr       // arp-spoof sender IP, ndp-spoof target address
	ClaimMAC net.HardwareAddr // the MAC claimed with it; nil for the NIC's own
	Tags     []Tag            // tag/stag: VLAN tags of the forged frame, outermost first
	// Quote makes a forged ICMP error quote a UDP datagram the
	// destination sent from Quote.SPort to the ICMP source's Quote.DPort,
	// so conntrack relates it to that flow (zero: no quote).
	Quote struct{ SPort, DPort uint16 }
	// EtherType is the protocol of an OtherFrame.
	EtherType uint16

	Proto string // "tcp", "udp" or "icmp"; "" for frame probes
	IPv6  bool
	// ICMPType and ICMPCode are the message an icmp probe sends; an
	// echo request unless the service names another type.
	ICMPType, ICMPCode int
	Port               uint16 // destination port for tcp and udp
	SPort              uint16 // source port, 0 for any
	Flags              uint8  // TCP flags of a forged segment; 0 when not given
	Repeat             int    // how often the probe is sent (repeat N); 0 means once

	// Log lists the prefixes of the nflog messages the probe must cause:
	// each at least once, and no message with another prefix. With
	// CountLogs, Logs is how many messages there must be in all (nolog is
	// "logs 0"). A probe with neither is not checked for logs.
	Log       []string
	CountLogs bool
	Logs      int

	Want Verdict
	// Backends lists verdicts that differ for one backend, written after
	// the verdict as "iptables=REJECT": where the backends' semantics
	// differ on purpose (README, compatibility).
	Backends []BackendVerdict
}

// BackendVerdict is a probe's expectation for one backend.
type BackendVerdict struct {
	Backend string // a Loader's Name
	Want    Verdict
}

// WantFor is the verdict expected when the ruleset came from backend.
func (p *Probe) WantFor(backend string) Verdict {
	for _, b := range p.Backends {
		if b.Backend == backend {
			return b.Want
		}
	}
	return p.Want
}

// Forged reports whether the probe is sent as a hand-built frame and
// judged by delivery at the target rather than by a socket's answer.
func (p *Probe) Forged() bool {
	return p.Frame != NoFrame || p.SpoofIP.IsValid() || p.SpoofMAC != nil || p.Flags != 0 || len(p.Tags) > 0 ||
		(p.Proto == "icmp" && (p.ICMPType != echoType(p.IPv6) || p.ICMPCode != 0))
}

// ParseExpect parses the expect section: one probe per line, blank lines
// and #-comments ignored. The grammar is in testdata/lab/README.md.
func ParseExpect(text string) ([]Probe, error) {
	var probes []Probe
	var errs []string
	for i, line := range strings.Split(text, "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		p, err := parseProbe(line)
		if err != nil {
			errs = append(errs, fmt.Sprintf("expect:%d: %v", i+1, err))
			continue
		}
		p.Line, p.Text = i+1, line
		probes = append(probes, p)
	}
	if errs != nil {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return probes, nil
}

// words walks the fields of one line.
type words struct {
	w []string
	i int
}

func (w *words) peek() string {
	if w.i < len(w.w) {
		return w.w[w.i]
	}
	return ""
}

func (w *words) next(what string) (string, error) {
	if w.i >= len(w.w) {
		return "", fmt.Errorf("missing %s", what)
	}
	w.i++
	return w.w[w.i-1], nil
}

func parseProbe(line string) (Probe, error) {
	fields, err := splitQuoted(line)
	if err != nil {
		return Probe{}, err
	}
	w := &words{w: fields}
	var p Probe
	tok, _ := w.next("source")
	if p.Src, err = parseEndpoint(tok); err != nil {
		return p, err
	}
	if err := parseSourceOptions(w, &p); err != nil {
		return p, err
	}
	tok, err = w.next("destination")
	if err != nil {
		return p, err
	}
	if p.Dst, err = parseEndpoint(tok); err != nil {
		return p, err
	}
	if p.Frame == NoFrame {
		tok, err = w.next("service (tcp/PORT, udp/PORT, icmp[/TYPE[/CODE]], with 6 for IPv6)")
		if err != nil {
			return p, err
		}
		if err := parseService(tok, &p); err != nil {
			return p, err
		}
	}
	if err := parseOptions(w, &p); err != nil {
		return p, err
	}
	tok, err = w.next("verdict")
	if err != nil {
		return p, err
	}
	if p.Want, err = parseVerdict(tok); err != nil {
		return p, err
	}
	for w.i < len(w.w) {
		tok, _ := w.next("backend verdict")
		backend, v, ok := strings.Cut(tok, "=")
		if !ok || backend == "" {
			return p, fmt.Errorf("unexpected %q after the verdict (want BACKEND=VERDICT)", tok)
		}
		want, err := parseVerdict(v)
		if err != nil {
			return p, err
		}
		p.Backends = append(p.Backends, BackendVerdict{Backend: backend, Want: want})
	}
	return p, check(&p)
}

func parseVerdict(tok string) (Verdict, error) {
	switch tok {
	case "ACCEPT":
		return Accept, nil
	case "DROP":
		return Drop, nil
	case "REJECT":
		return Reject, nil
	}
	return 0, fmt.Errorf("verdict %q: want ACCEPT, DROP or REJECT", tok)
}

// parseSourceOptions reads the forging words between source and "->".
func parseSourceOptions(w *words, p *Probe) error {
	for {
		tok, err := w.next(`"->"`)
		if err != nil {
			return err
		}
		switch tok {
		case "->":
			return nil
		case "spoof-ip":
			if p.SpoofIP, err = parseAddrArg(w, "spoof-ip"); err != nil {
				return err
			}
		case "spoof-mac":
			if p.SpoofMAC, err = parseMACArg(w, "spoof-mac"); err != nil {
				return err
			}
		case "ethertype":
			if p.Frame != NoFrame {
				return fmt.Errorf("%q: a probe sends one kind of frame", tok)
			}
			hex, err := w.next("ethertype number")
			if err != nil {
				return err
			}
			t, err := strconv.ParseUint(strings.TrimPrefix(hex, "0x"), 16, 16)
			if err != nil || t < 0x0600 || t == 0x0800 || t == 0x0806 || t == 0x86dd {
				return fmt.Errorf("ethertype: want a hex number from 0x0600, not IPv4, IPv6 or ARP, got %q", hex)
			}
			p.Frame, p.EtherType = OtherFrame, uint16(t)
		case "tag", "stag":
			id, err := w.next(tok + " VLAN id")
			if err != nil {
				return err
			}
			vid, err := strconv.ParseUint(id, 10, 12)
			if err != nil {
				return fmt.Errorf("%s: bad VLAN id %q (0 to 4095)", tok, id)
			}
			p.Tags = append(p.Tags, Tag{S: tok == "stag", VID: uint16(vid)})
		default:
			f, ok := frameWords[tok]
			if !ok {
				return fmt.Errorf("unknown source option %q", tok)
			}
			if p.Frame != NoFrame {
				return fmt.Errorf("%q: a probe sends one kind of frame", tok)
			}
			p.Frame = f
			if tok != "arp-spoof" && tok != "ndp-spoof" {
				continue
			}
			if p.ClaimIP, err = parseAddrArg(w, tok); err != nil {
				return err
			}
			if want6 := tok == "ndp-spoof"; p.ClaimIP.Is6() != want6 {
				return fmt.Errorf("%s needs an IPv%d address, not %s", tok, map[bool]int{false: 4, true: 6}[want6], p.ClaimIP)
			}
			if _, err := net.ParseMAC(w.peek()); err == nil && strings.Count(w.peek(), ":") == 5 {
				p.ClaimMAC, _ = parseMACArg(w, tok)
			}
		}
	}
}

func parseAddrArg(w *words, what string) (netip.Addr, error) {
	tok, err := w.next(what + " address")
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(tok)
	if err != nil {
		return a, fmt.Errorf("%s: bad address %q", what, tok)
	}
	return a, nil
}

func parseMACArg(w *words, what string) (net.HardwareAddr, error) {
	tok, err := w.next(what + " MAC address")
	if err != nil {
		return nil, err
	}
	m, err := net.ParseMAC(tok)
	if err != nil || len(m) != 6 {
		return nil, fmt.Errorf("%s: bad MAC address %q", what, tok)
	}
	return m, nil
}

// parseEndpoint reads host, outside, vmN, ctN, with /netN and @ADDR.
func parseEndpoint(tok string) (Endpoint, error) {
	e := Endpoint{NIC: -1}
	name, addr, hasAddr := strings.Cut(tok, "@")
	if hasAddr {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return e, fmt.Errorf("endpoint %q: bad address %q", tok, addr)
		}
		e.Addr = a
	}
	name, nic, hasNIC := strings.Cut(name, "/")
	switch {
	case name == "host":
		e.Kind = Host
	case name == "outside":
		e.Kind = Outside
	case strings.HasPrefix(name, "vm") || strings.HasPrefix(name, "ct"):
		id, err := strconv.Atoi(name[2:])
		if err != nil || id <= 0 {
			return e, fmt.Errorf("endpoint %q: want vm<VMID> or ct<VMID>", tok)
		}
		e.Kind, e.Prefix, e.VMID = GuestEnd, name[:2], id
	default:
		return e, fmt.Errorf("unknown endpoint %q: want host, outside, vm<VMID>[/netN] or ct<VMID>[/netN]", tok)
	}
	if hasNIC {
		n, err := strconv.Atoi(strings.TrimPrefix(nic, "net"))
		if e.Kind != GuestEnd || !strings.HasPrefix(nic, "net") || err != nil || n < 0 {
			return e, fmt.Errorf("endpoint %q: only guests have NICs, written /net<N>", tok)
		}
		e.NIC = n
	}
	return e, nil
}

// parseService reads tcp/PORT, udp/PORT, icmp[/TYPE[/CODE]] and their
// "6" variants.
func parseService(tok string, p *Probe) error {
	proto, port, hasPort := strings.Cut(tok, "/")
	if strings.HasSuffix(proto, "6") {
		p.IPv6, proto = true, strings.TrimSuffix(proto, "6")
	}
	switch proto {
	case "tcp", "udp":
		n, err := strconv.ParseUint(port, 10, 16)
		if !hasPort || err != nil || n == 0 {
			return fmt.Errorf("service %q: want %s/PORT with a port from 1 to 65535", tok, proto)
		}
		p.Port = uint16(n)
	case "icmp":
		p.ICMPType = echoType(p.IPv6)
		if hasPort {
			var err error
			if p.ICMPType, p.ICMPCode, err = parseICMPType(port, p.IPv6); err != nil {
				return fmt.Errorf("service %q: %v", tok, err)
			}
		}
	default:
		return fmt.Errorf("unknown service %q: want tcp/PORT, udp/PORT or icmp[/TYPE[/CODE]] (tcp6, udp6, icmp6 for IPv6)", tok)
	}
	p.Proto = proto
	return nil
}

var tcpFlags = map[string]uint8{
	"fin": packet.FIN, "syn": packet.SYN, "rst": packet.RST,
	"psh": packet.PSH, "ack": packet.ACK, "urg": packet.URG,
}

// splitQuoted splits a line at blanks, keeping a "quoted string" (a log
// prefix, which has blanks) as one word without its quotes.
func splitQuoted(line string) ([]string, error) {
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return out, nil
		}
		if line[0] == '"' {
			word, rest, ok := strings.Cut(line[1:], `"`)
			if !ok {
				return nil, fmt.Errorf("unterminated quoted string %s", line)
			}
			out, line = append(out, word), rest
			continue
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		out, line = append(out, line[:end]), line[end:]
	}
}

// portArg reads an option's port number.
func portArg(w *words, what string) (uint16, error) {
	tok, err := w.next(what + " port")
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(tok, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%s %q: want a port from 1 to 65535", what, tok)
	}
	return uint16(n), nil
}

// count reads a count option's number.
func count(w *words, what string, min uint64) (int, error) {
	tok, err := w.next(what)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(tok, 10, 16)
	if err != nil || n < min {
		return 0, fmt.Errorf("%s %q: want a number of at least %d", what, tok, min)
	}
	return int(n), nil
}

// parseOptions reads sport, flags, repeat and the log expectations up to
// the verdict.
func parseOptions(w *words, p *Probe) error {
	for {
		var err error
		switch w.peek() {
		case "repeat":
			w.i++
			if p.Repeat, err = count(w, "repeat", 2); err != nil {
				return err
			}
		case "log":
			w.i++
			tok, err := w.next("log prefix")
			if err != nil {
				return err
			}
			p.Log = append(p.Log, tok)
		case "logs":
			w.i++
			if p.Logs, err = count(w, "logs", 0); err != nil {
				return err
			}
			p.CountLogs = true
		case "nolog":
			w.i++
			p.Logs, p.CountLogs = 0, true
		case "sport":
			w.i++
			if p.SPort, err = portArg(w, "sport"); err != nil {
				return err
			}
		case "quote-udp":
			w.i++
			if p.Quote.SPort, err = portArg(w, "quote-udp"); err != nil {
				return err
			}
			if p.Quote.DPort, err = portArg(w, "quote-udp"); err != nil {
				return err
			}
		case "flags":
			w.i++
			tok, err := w.next("TCP flags")
			if err != nil {
				return err
			}
			for _, f := range strings.Split(strings.ToLower(tok), ",") {
				bit, ok := tcpFlags[f]
				if !ok {
					return fmt.Errorf("flags %q: unknown flag %q (fin, syn, rst, psh, ack, urg)", tok, f)
				}
				p.Flags |= bit
			}
		default:
			return nil
		}
	}
}

// check enforces what the words cannot say alone.
func check(p *Probe) error {
	if p.Quote.SPort != 0 && (p.Proto != "icmp" || p.ICMPType == echoType(p.IPv6)) {
		return fmt.Errorf("quote-udp needs an ICMP error (icmp/TYPE)")
	}
	if p.CountLogs && p.Logs < len(p.Log) {
		return fmt.Errorf("logs %d: fewer messages than the %d prefixes listed", p.Logs, len(p.Log))
	}
	if p.SPort != 0 && p.Proto != "tcp" && p.Proto != "udp" {
		return fmt.Errorf("sport needs a tcp or udp service")
	}
	if p.Flags != 0 && p.Proto != "tcp" {
		return fmt.Errorf("flags needs a tcp service")
	}
	if p.SpoofIP.IsValid() && p.Proto != "" && p.SpoofIP.Is6() != p.IPv6 {
		return fmt.Errorf("spoof-ip %s does not match the %s service's family", p.SpoofIP, p.Proto)
	}
	if p.Frame != NoFrame && p.SpoofIP.IsValid() {
		return fmt.Errorf("spoof-ip applies to tcp, udp and icmp probes; frame probes set their own addresses")
	}
	for _, e := range []Endpoint{p.Src, p.Dst} {
		if e.Addr.IsValid() && p.Proto != "" && e.Addr.Is6() != p.IPv6 {
			return fmt.Errorf("%s does not match the service's family", e)
		}
	}
	if p.Forged() {
		if p.Want == Reject || slices.ContainsFunc(p.Backends, func(b BackendVerdict) bool { return b.Want == Reject }) {
			return fmt.Errorf("forged probes observe delivery: ACCEPT or DROP, not REJECT")
		}
		if p.Src.Kind == Host {
			return fmt.Errorf("forged frames are sent from a guest or outside, not from the host")
		}
	}
	if p.Src.Kind == p.Dst.Kind && p.Src.Kind != GuestEnd {
		return fmt.Errorf("source and destination are the same namespace")
	}
	return nil
}

// Family returns the probe's address family as 4 or 6.
func (p *Probe) Family() int {
	switch {
	case p.Frame == RouterAdvert || p.Frame == DHCP6Advertise || p.Frame == DHCP6Solicit,
		p.Frame == NeighborSolicit || p.Frame == NeighborAdvert || p.IPv6:
		return 6
	}
	return 4
}
