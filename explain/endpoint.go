package explain

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind says what an endpoint is.
type Kind int

// Endpoint kinds.
const (
	Host    Kind = iota + 1 // the node itself
	Outside                 // beyond the host's uplink
	Guest                   // a guest NIC
)

// Endpoint is one side of a question: host, outside, or a guest NIC.
type Endpoint struct {
	Kind Kind
	VMID int // guests only
	NIC  int // netN index; -1 for the guest's first firewalled NIC
}

// ParseEndpoint reads host, outside, <vmid> or <vmid>/net<N>. A "vm" or
// "ct" prefix on the VMID is accepted, as the lab writes it.
func ParseEndpoint(s string) (Endpoint, error) {
	switch s {
	case "host":
		return Endpoint{Kind: Host}, nil
	case "outside":
		return Endpoint{Kind: Outside}, nil
	}
	id, nic, hasNIC := strings.Cut(s, "/")
	id = strings.TrimPrefix(strings.TrimPrefix(id, "vm"), "ct")
	e := Endpoint{Kind: Guest, NIC: -1}
	v, err := strconv.Atoi(id)
	if err != nil || v <= 0 {
		return e, fmt.Errorf("endpoint %q: want host, outside, <vmid> or <vmid>/net<N>", s)
	}
	e.VMID = v
	if hasNIC {
		n, err := strconv.Atoi(strings.TrimPrefix(nic, "net"))
		if !strings.HasPrefix(nic, "net") || err != nil || n < 0 {
			return e, fmt.Errorf("endpoint %q: the NIC is written net<N>", s)
		}
		e.NIC = n
	}
	return e, nil
}

func (e Endpoint) String() string {
	switch e.Kind {
	case Host:
		return "host"
	case Outside:
		return "outside"
	}
	if e.NIC < 0 {
		return strconv.Itoa(e.VMID)
	}
	return fmt.Sprintf("%d/net%d", e.VMID, e.NIC)
}

// find resolves a guest endpoint to its port: the named NIC, or the first
// firewalled one (the first NIC when none is).
func (t *topology) find(e Endpoint) (*port, error) {
	var first *port
	for i := range t.ports {
		p := &t.ports[i]
		if p.g.VMID != e.VMID {
			continue
		}
		if e.NIC == p.n.Index {
			return p, nil
		}
		if e.NIC < 0 && (first == nil || p.n.Firewall && !first.n.Firewall) {
			first = p
		}
	}
	if first != nil {
		return first, nil
	}
	return nil, fmt.Errorf("no endpoint %s on this node; endpoints are host, outside, %s", e, strings.Join(t.names(), ", "))
}

// names lists the guest endpoints that exist.
func (t *topology) names() []string {
	var out []string
	for _, p := range t.ports {
		out = append(out, fmt.Sprintf("%d/net%d", p.g.VMID, p.n.Index))
	}
	if len(out) == 0 {
		out = append(out, "(no guests)")
	}
	return out
}
