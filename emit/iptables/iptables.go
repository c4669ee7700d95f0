package iptables

import (
	"bytes"
	"fmt"

	"github.com/fwc-project/fwc/emit/sysctl"
	"github.com/fwc-project/fwc/ir"
)

// Options tunes the output.
type Options struct {
	// LogGroup is the nflog group of every log rule (0: what pvefw-logger
	// reads).
	LogGroup int
	// KernelLog logs to the kernel log (-j LOG) instead of nflog.
	KernelLog bool
}

// Emit compiles rs into a bundle. The result depends only on rs and o, byte
// for byte. An error means rs breaks an IR invariant (a rule refers to a
// set or group that does not exist); user errors are lower's to report.
func Emit(rs *ir.Ruleset, o Options) (Bundle, error) {
	sets := make(map[string]*ir.Set, len(rs.Sets))
	for i := range rs.Sets {
		sets[rs.Sets[i].Name] = &rs.Sets[i]
	}
	if err := checkSets(rs, sets); err != nil {
		return Bundle{}, err
	}
	lits := &literals{byKey: map[string]string{}}
	var b Bundle
	for _, v6 := range []bool{false, true} {
		e := &emitter{rs: rs, o: o, v6: v6, sets: sets, lits: lits, groups: map[string]bool{}}
		text, err := e.family()
		if err != nil {
			return Bundle{}, err
		}
		if v6 {
			b.RulesV6 = text
		} else {
			b.RulesV4 = text
		}
	}
	b.IPSets = ipsets(rs.Sets, lits)
	b.Ebtables = ebtables(rs, sets)
	b.Apply = applyScript(filteredNICs(rs), sysctl.Commands(rs.Host.Sysctls))
	return b, nil
}

// emitter compiles one address family.
type emitter struct {
	rs     *ir.Ruleset
	o      Options
	v6     bool
	sets   map[string]*ir.Set
	lits   *literals
	groups map[string]bool // group chains jumped to, by chain name
	filter *table
	raw    *table
}

// family builds the filter and raw tables of one family. The hook chains
// always exist (possibly empty), so apply.sh can hook them unconditionally
// and a disabled firewall is an empty one.
func (e *emitter) family() ([]byte, error) {
	e.filter, e.raw = newTable("filter"), newTable("raw")
	input, output, forward := e.filter.chain(chInput), e.filter.chain(chOutput), e.filter.chain(chForward)
	e.raw.chain(chPrerouting)
	if e.rs.Enabled {
		if err := e.body(input, output, forward); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	e.raw.write(&b, "- [0:0]")
	e.filter.write(&b, "- [0:0]")
	return b.Bytes(), nil
}

func (e *emitter) body(input, output, forward *chain) error {
	h := &e.rs.Host
	if h.Enabled {
		if err := e.host(); err != nil {
			return err
		}
	}
	if err := e.guests(); err != nil {
		return err
	}
	if err := e.groupChains(); err != nil {
		return err
	}
	e.helpers()
	// Traffic entering from a firewalled guest port meets that NIC's OUT
	// chain first: bridged and routed traffic in FORWARD, traffic to the
	// host in INPUT. Bridged traffic then meets the receiving NIC's IN chain
	// and is not routed traffic, so the host forward rules never see it.
	if e.filter.has(chGuestOut) {
		input.add("-m physdev --physdev-is-in -j " + chGuestOut)
		forward.add("-m physdev --physdev-is-in -j " + chGuestOut)
		forward.add("-m physdev --physdev-is-bridged -j " + chGuestIn)
	}
	forward.add("-m physdev --physdev-is-bridged -j RETURN")
	if h.Enabled {
		input.add("-j " + chHostIn)
		output.add("-j " + chHostOut)
		forward.add("-j " + chHostFwd)
	}
	return nil
}

// guestNIC is a filtered NIC and its guest's VMID.
type guestNIC struct {
	vmid int
	nic  ir.NIC
}

// filteredNICs lists the NICs fwc filters, in IR order.
func filteredNICs(rs *ir.Ruleset) []guestNIC {
	if !rs.Enabled {
		return nil
	}
	var out []guestNIC
	for _, g := range rs.Guests {
		for _, n := range g.NICs {
			if g.Enabled && n.Firewall {
				out = append(out, guestNIC{g.VMID, n})
			}
		}
	}
	return out
}

// checkSets makes sure the sets the options name exist (rules are checked
// as they are compiled).
func checkSets(rs *ir.Ruleset, sets map[string]*ir.Set) error {
	names := []string{rs.Host.Blacklist}
	if rs.Host.Enabled {
		names = append(names, rs.Host.Management)
	}
	for _, g := range rs.Guests {
		for _, n := range g.NICs {
			names = append(names, n.IPFilter)
		}
	}
	for _, n := range names {
		if n != "" && sets[n] == nil {
			return errorf("unknown set %q", n)
		}
	}
	return nil
}

// errorf reports a broken IR invariant.
func errorf(format string, args ...any) error {
	return fmt.Errorf("iptables: "+format, args...)
}
