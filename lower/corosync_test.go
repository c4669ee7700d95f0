package lower

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fwc-project/fwc/corosync"
	"github.com/fwc-project/fwc/grammar"
	"github.com/fwc-project/fwc/ir"
)

// TestCorosyncResolve: with --resolve, node names are looked up and the
// family is picked by totem's ip_version, as PVE picks it; a failed lookup
// is an error at the name.
func TestCorosyncResolve(t *testing.T) {
	hosts := map[string][]netip.Addr{
		"pve1": {netip.MustParseAddr("fd00::1"), netip.MustParseAddr("10.0.0.1")},
		"pve2": {netip.MustParseAddr("::ffff:10.0.0.2"), netip.MustParseAddr("fd00::2")},
	}
	resolve := func(name string) ([]netip.Addr, error) {
		if a, ok := hosts[name]; ok {
			return a, nil
		}
		return nil, errors.New("no such host")
	}
	for _, tc := range []struct {
		ipVersion string
		want      []string
	}{
		{"ipv4", []string{"10.0.0.1", "10.0.0.2"}},
		{"ipv6", []string{"fd00::1", "fd00::2"}},
		{"ipv6-4", []string{"fd00::1", "fd00::2"}},
		{"ipv4-6", []string{"10.0.0.1", "10.0.0.2"}},
	} {
		src := "nodelist {\n node {\n  name: pve1\n  ring0_addr: pve1\n }\n node {\n  name: pve2\n  ring0_addr: pve2\n }\n node {\n  name: pve3\n  ring0_addr: pve3\n }\n}\ntotem {\n ip_version: " + tc.ipVersion + "\n}\n"
		conf, pd := corosync.Parse("corosync.conf", []byte(src))
		cluster, _ := grammar.Parse("cluster.fw", grammar.Cluster, []byte("[OPTIONS]\nenable: 1\n"))
		rs, d := Lower(Config{Node: "pve1", Cluster: cluster, Corosync: conf}, Options{Resolve: resolve})
		d = append(pd, d...)
		var got []string
		for _, l := range rs.Host.Cluster.Links {
			got = append(got, l.Local.String())
			for _, p := range l.Peers {
				got = append(got, p.Addr.String())
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ip_version %s (-want +got):\n%s", tc.ipVersion, diff)
		}
		var codes []string
		for _, x := range d {
			if x.Severity == ir.Error {
				codes = append(codes, x.Pos.String()+" "+string(x.Code))
			}
		}
		if diff := cmp.Diff([]string{"corosync.conf:12:15 corosync-name"}, codes); diff != "" {
			t.Errorf("ip_version %s errors (-want +got):\n%s", tc.ipVersion, diff)
		}
	}
}
