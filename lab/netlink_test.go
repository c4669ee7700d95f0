package lab

import (
	"strings"
	"testing"
)

func TestFlushNeighbours(t *testing.T) {
	if why := unusable(); why != "" {
		cannotRun(t, 0, why)
	}
	ns, err := NewNS("fwclab-flush")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	setup := `link add veta type veth peer name vetb
link set veta up
link set vetb up
addr add 10.9.0.1/24 dev veta
neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev veta nud stale
neigh add fd09::2 lladdr 02:00:00:00:00:02 dev veta nud reachable
neigh add 10.9.0.3 lladdr 02:00:00:00:00:03 dev veta nud permanent
`
	if _, err := ns.Run([]byte(setup), "ip", "-batch", "-"); err != nil {
		t.Fatal(err)
	}
	if err := flushNeighbours(ns); err != nil {
		t.Fatal(err)
	}
	out, err := ns.Run(nil, "ip", "neigh", "show", "dev", "veta")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out), "10.9.0.3 lladdr 02:00:00:00:00:03 PERMANENT"; got != want {
		t.Errorf("neighbours after the flush:\n%s\nwant only:\n%s", got, want)
	}
}
