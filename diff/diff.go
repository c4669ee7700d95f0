// Package diff answers a reviewer's question about a firewall change:
// which packets does the new tree treat differently from the old one? It
// is exact, not sampled: for each pair of endpoints, family, protocol and
// conntrack state it cuts the varying header fields (the remote address,
// the ports, the ICMP type and code) at every boundary a condition of
// either plan uses, asks explain for one packet of each cell on both
// sides, and keeps the cells whose verdict differs, merged into classes.
// Within a cell no condition of either plan can tell two packets apart,
// so one packet speaks for all.
//
// Guests whose chains are the same in both plans are not asked about
// unless what every packet crosses (the host's table, the bridge's base
// chains) changed, so one edited rule in a large tree stays fast.
package diff

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/fwc-project/fwc/explain"
	"github.com/fwc-project/fwc/ir"
)

// Class is a set of packets the two trees treat differently: every
// packet between From and To of the family, protocol and state, whose
// varying fields lie in the ranges, gets Old from the old tree and New
// from the new one.
type Class struct {
	From, To explain.Endpoint
	Family   int // 4 or 6
	Proto    uint8
	State    explain.State
	// Remote are the outside endpoint's address ranges (its source or
	// destination address), in order; nil when neither endpoint is
	// outside.
	Remote       []AddrRange
	SPort, DPort Range // protocols with ports only (else zero)
	ICMPType     Range // ICMP and ICMPv6 only (else zero)
	ICMPCode     Range
	Old, New     Outcome
}

// AddrRange is the addresses From to To, both included.
type AddrRange struct{ From, To netip.Addr }

// Range is the numbers Lo to Hi, both included.
type Range struct {
	Lo int `json:"lo"`
	Hi int `json:"hi"`
}

// Outcome is what one tree does with a class: the verdict and the step
// that decided it (the last one on the packet's path).
type Outcome struct {
	Verdict ir.Verdict
	By      explain.Step
}

// Report is the difference between two trees.
type Report struct {
	Classes []Class
	// Skipped names the endpoints present in only one tree: they are not
	// compared.
	Skipped []string
}

// Compare reports every class of packets old and new (the same node's
// rulesets) treat differently, laid out on nw.
func Compare(old, new *ir.Ruleset, nw explain.Network) (Report, error) {
	var rep Report
	on, err := nw.Prepare(old)
	if err != nil {
		return rep, fmt.Errorf("old tree: %w", err)
	}
	nn, err := nw.Prepare(new)
	if err != nil {
		return rep, fmt.Errorf("new tree: %w", err)
	}
	c := &comparer{old: on, new: nn, cuts: map[int]*[2]cuts{}}
	ofp, nfp := fingerprints(on.Plan()), fingerprints(nn.Plan())
	shared := ofp.shared != nfp.shared
	host, outside := explain.Endpoint{Kind: explain.Host}, explain.Endpoint{Kind: explain.Outside}
	if shared {
		c.pair(outside, host)
		c.pair(host, outside)
	}
	oldNICs, newNICs := nics(old), nics(new)
	for _, k := range newNICs {
		if !slices.Contains(oldNICs, k) {
			rep.Skipped = append(rep.Skipped, k.String()+" (only in the new tree)")
			continue
		}
		if !shared && ofp.guests[k.VMID] == nfp.guests[k.VMID] {
			continue
		}
		c.pair(outside, k)
		c.pair(k, outside)
		c.pair(host, k)
		c.pair(k, host)
	}
	for _, k := range oldNICs {
		if !slices.Contains(newNICs, k) {
			rep.Skipped = append(rep.Skipped, k.String()+" (only in the old tree)")
		}
	}
	if c.err != nil {
		return rep, c.err
	}
	rep.Classes = merge(c.out)
	return rep, nil
}

// nics are the guest NICs on a bridge, the endpoints explain can place.
func nics(rs *ir.Ruleset) []explain.Endpoint {
	var out []explain.Endpoint
	for _, g := range rs.Guests {
		for _, n := range g.NICs {
			if n.Bridge != "" {
				out = append(out, explain.Endpoint{Kind: explain.Guest, VMID: g.VMID, NIC: n.Index})
			}
		}
	}
	return out
}

// comparer asks both nodes about every cell of a pair of endpoints.
type comparer struct {
	old, new *explain.Node
	cuts     map[int]*[2]cuts // by guest (0: none), then family: IPv4, IPv6
	out      []Class
	err      error
}

// pair compares every cell between from and to.
func (c *comparer) pair(from, to explain.Endpoint) {
	vmid := max(from.VMID, to.VMID)
	for fi, fam := range []int{4, 6} {
		cu := &c.cutsFor(vmid)[fi]
		remote := []AddrRange{{}} // no remote address
		if from.Kind == explain.Outside || to.Kind == explain.Outside {
			remote = cu.addrs
		}
		for _, proto := range cu.protos {
			for _, st := range []explain.State{explain.New, explain.Established} {
				for _, r := range remote {
					for _, f := range cu.fields(proto) {
						cl := Class{From: from, To: to, Family: fam, Proto: proto, State: st,
							SPort: f.sport, DPort: f.dport, ICMPType: f.typ, ICMPCode: f.code}
						if r.From.IsValid() {
							cl.Remote = []AddrRange{r}
						}
						c.cell(cl)
					}
				}
			}
		}
	}
}

// cell asks both nodes about one packet of cl and keeps cl if they differ.
func (c *comparer) cell(cl Class) {
	q := cl.packet()
	o, oerr := c.old.Explain(q)
	n, nerr := c.new.Explain(q)
	if oerr != nil || nerr != nil {
		// The same question fails on both sides when the layout has no
		// such packet (no address of the family); on one side only it is
		// trouble.
		if (oerr == nil) != (nerr == nil) && c.err == nil {
			c.err = fmt.Errorf("%s to %s: old: %v, new: %v", cl.From, cl.To, oerr, nerr)
		}
		return
	}
	if o.Verdict == n.Verdict {
		return
	}
	cl.Old, cl.New = outcome(o), outcome(n)
	c.out = append(c.out, cl)
}

func outcome(r explain.Result) Outcome {
	out := Outcome{Verdict: r.Verdict}
	if len(r.Path) > 0 {
		out.By = r.Path[len(r.Path)-1]
	}
	return out
}

// packet is the representative of a cell: the low end of every range
// (port 0 only when the range is port 0 alone: explain reads a zero
// source port as "the default").
func (cl Class) packet() explain.Packet {
	q := explain.Packet{From: cl.From, To: cl.To, Proto: strconv.Itoa(int(cl.Proto)), State: cl.State, IPv6: cl.Family == 6}
	if len(cl.Remote) > 0 {
		if cl.From.Kind == explain.Outside {
			q.Src = cl.Remote[0].From
		} else {
			q.Dst = cl.Remote[0].From
		}
	}
	if cl.hasPorts() {
		q.SPort, q.DPort = uint16(rep(cl.SPort)), uint16(rep(cl.DPort))
	}
	if cl.isICMP() {
		q.ICMPType = fmt.Sprintf("%d/%d", cl.ICMPType.Lo, cl.ICMPCode.Lo)
	}
	return q
}

func rep(r Range) int {
	if r.Lo == 0 && r.Hi > 0 {
		return 1
	}
	return r.Lo
}

func (cl Class) hasPorts() bool { return hasPorts(cl.Proto) }

func (cl Class) isICMP() bool { return isICMP(cl.Family, cl.Proto) }

func isICMP(fam int, proto uint8) bool {
	return fam == 4 && proto == 1 || fam == 6 && proto == 58
}
