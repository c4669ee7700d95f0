package tree

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fwc-project/fwc/ir"
)

// maxNetIndex is the highest netN index PVE's own tools create; PVE's
// firewall accepts any, CFG only 0..30.
const maxNetIndex = 31

// qemuModels are the QEMU NIC models, written as "model=MAC".
var qemuModels = map[string]bool{
	"virtio": true, "e1000": true, "e1000e": true, "rtl8139": true, "vmxnet3": true, "ne2k_pci": true,
	"pcnet": true, "i82551": true, "i82557b": true, "i82559er": true, "ne2k_isa": true,
}

// configLine is one line of a guest config with its place in the file.
type configLine struct {
	path   string
	num    int // 1-based
	offset int // byte offset of the line start
	text   string
}

// pos is the position of byte i of the line.
func (l configLine) pos(i int) ir.Pos {
	return ir.Pos{Filename: l.path, Offset: l.offset + i, Line: l.num, Column: utf8.RuneCountInString(l.text[:i]) + 1}
}

// ParseGuestConfig reads the netN lines of a guest config's main section
// (snapshots follow in "[name]" sections and are not the running config).
// Unknown keys and properties are ignored.
func ParseGuestConfig(path string, kind ir.GuestKind, data []byte, d *ir.Diags) []NIC {
	var nics []NIC
	seen := map[int]ir.Pos{}
	offset := 0
	for num, text := range strings.Split(string(data), "\n") {
		l := configLine{path: path, num: num + 1, offset: offset, text: strings.TrimSuffix(text, "\r")}
		offset += len(text) + 1
		if strings.HasPrefix(l.text, "[") {
			break
		}
		key, value, ok := strings.Cut(l.text, ":")
		index, isNet := netIndex(key)
		if !ok || !isNet {
			continue
		}
		if index < 0 {
			d.Add(l.pos(0), ir.CodeGuestConfig, "invalid network device key %q", key)
			continue
		}
		if first, dup := seen[index]; dup {
			*d = append(*d, ir.Diag(l.pos(0), ir.CodeGuestConfig, "duplicate key %q; the first is used", key).WithRelated(first, "first defined here"))
			continue
		}
		seen[index] = l.pos(0)
		if index > maxNetIndex {
			d.Add(l.pos(0), ir.CodeNicIndex, "network device index %d is above %d", index, maxNetIndex)
		}
		start := len(key) + 1
		start += len(value) - len(strings.TrimLeft(value, " \t"))
		nic := NIC{Pos: l.pos(0), Index: index}
		parseNIC(&nic, kind, l, start, d)
		nics = append(nics, nic)
	}
	sort.Slice(nics, func(i, j int) bool { return nics[i].Index < nics[j].Index })
	return nics
}

// netIndex recognises a "netN" key; N is -1 when it does not fit an int.
func netIndex(key string) (int, bool) {
	digits, ok := strings.CutPrefix(key, "net")
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1, true
	}
	return n, true
}

// parseNIC reads the property string that starts at byte start of the line:
// comma-separated "key=value" items.
func parseNIC(nic *NIC, kind ir.GuestKind, l configLine, start int, d *ir.Diags) {
	i := start
	for _, item := range strings.Split(strings.TrimRight(l.text[start:], " \t"), ",") {
		k, v, hasValue := strings.Cut(item, "=")
		vpos := l.pos(i)
		if hasValue {
			vpos = l.pos(i + len(k) + 1)
		}
		i += len(item) + 1
		bad := func(want string) {
			d.Add(vpos, ir.CodeGuestConfig, "invalid %s value %q: want %s", k, v, want)
		}
		switch {
		case k == "bridge":
			nic.Bridge = v
		case k == "firewall":
			b, ok := parseBool(v)
			if !ok {
				bad("0 or 1")
			}
			nic.Firewall = b
		case k == "tag":
			tag, err := strconv.Atoi(v)
			if err != nil || tag < 1 || tag > 4094 {
				bad("a VLAN id from 1 to 4094")
				continue
			}
			nic.Tag = tag
		case k == "trunks":
			t, ok := parseTrunks(v)
			if !ok {
				bad("VLAN ids from 1 to 4094 and ranges, separated by ';' (10;20-30)")
				continue
			}
			nic.Trunks = t
		case kind == ir.VM && (k == "macaddr" || qemuModels[k] && hasValue),
			kind == ir.CT && k == "hwaddr":
			mac, ok := parseMAC(v)
			if !ok {
				bad("a MAC address like bc:24:11:00:00:01")
			}
			nic.MAC = mac
		case kind == ir.CT && k == "ip":
			lxcAddr(nic, v, true, bad)
		case kind == ir.CT && k == "ip6":
			lxcAddr(nic, v, false, bad)
		case kind == ir.CT && (k == "gw" || k == "gw6"):
			a, err := netip.ParseAddr(v)
			if err != nil || a.Is4() != (k == "gw") || a.Is4In6() || a.Zone() != "" {
				if k == "gw" {
					bad("an IPv4 address")
				} else {
					bad("an IPv6 address")
				}
				continue
			}
			nic.Gateways = append(nic.Gateways, a)
		}
	}
}

// parseTrunks reads a trunks= value, "10;20-30", into sorted, merged
// ranges.
func parseTrunks(v string) ([]ir.VLANRange, bool) {
	var rs []ir.VLANRange
	for _, part := range strings.Split(v, ";") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || l < 1 || h > 4094 || l > h {
			return nil, false
		}
		rs = append(rs, ir.VLANRange{Lo: l, Hi: h})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Lo < rs[j].Lo })
	merged := rs[:1]
	for _, r := range rs[1:] {
		last := &merged[len(merged)-1]
		if r.Lo <= last.Hi+1 {
			last.Hi = max(last.Hi, r.Hi)
			continue
		}
		merged = append(merged, r)
	}
	return merged, true
}

// lxcAddr reads an LXC ip= (v4) or ip6= value: a CIDR, or a word for an
// address that is not static (no address then).
func lxcAddr(nic *NIC, v string, v4 bool, bad func(string)) {
	switch {
	case v == "dhcp", v == "manual":
		return
	case v4:
		if p, err := netip.ParsePrefix(v); err == nil && p.Addr().Is4() {
			nic.Addrs = append(nic.Addrs, p)
			return
		}
		bad("an IPv4 CIDR, dhcp or manual")
	case v == "auto":
		return
	default:
		if p, err := netip.ParsePrefix(v); err == nil && p.Addr().Is6() && !p.Addr().Is4In6() {
			nic.Addrs = append(nic.Addrs, p)
			return
		}
		bad("an IPv6 CIDR, auto, dhcp or manual")
	}
}

// parseMAC checks a MAC address in PVE's form (six colon-separated hex
// pairs) and returns it in lower case.
func parseMAC(s string) (string, bool) {
	if len(s) != 17 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i%3 == 2 {
			if c != ':' {
				return "", false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// parseBool reads a boolean as PVE's property strings write it.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "on", "yes", "true":
		return true, true
	case "0", "off", "no", "false":
		return false, true
	}
	return false, false
}
