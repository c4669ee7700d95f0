package bench

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/fwc-project/fwc/lab"
	"github.com/fwc-project/fwc/tree"
)

// LoadTime loads script with `nft -f -` into a fresh network namespace,
// runs times, and returns the fastest run's wall time (nft's start-up
// included, a few milliseconds).
func LoadTime(script []byte, runs int) (time.Duration, error) {
	return LoadWithin(script, runs, 0, 0)
}

// ErrLimit reports a load killed at its time limit.
var ErrLimit = errors.New("load did not finish within its limit")

// LoadWithin is LoadTime with two bounds: each run is killed after limit
// (0: none), returning ErrLimit, and no run starts once budget (0: none)
// is spent, so slow loads are timed once.
func LoadWithin(script []byte, runs int, limit, budget time.Duration) (time.Duration, error) {
	best, spent := time.Duration(0), time.Duration(0)
	for i := 0; i < runs && (i == 0 || budget == 0 || spent < budget); i++ {
		ns, err := lab.NewNS("fwcbench-load")
		if err != nil {
			return 0, err
		}
		cmd := []string{"nft", "-f", "-"}
		if limit > 0 {
			cmd = append([]string{"timeout", "-s", "KILL", strconv.FormatFloat(limit.Seconds(), 'f', 3, 64)}, cmd...)
		}
		start := time.Now()
		_, err = ns.Run(script, cmd[0], cmd[1:]...)
		d := time.Since(start)
		ns.Close()
		if limit > 0 && d >= limit {
			return limit, ErrLimit
		}
		if err != nil {
			return 0, fmt.Errorf("%w: nft -f: %w", lab.ErrLoad, err)
		}
		spent += d
		if best == 0 || d < best {
			best = d
		}
	}
	return best, nil
}

// Path is a node with one guest, built by the kernel lab: the host
// namespace with bridge vmbr0 (10.0.0.1), the guest's NIC as a port of
// it, and an outside namespace (10.0.0.254, in the generated trees'
// management set) plugged into vmbr0. A ruleset for any number of
// guests can be loaded into the host: only this guest's NIC exists.
type Path struct {
	net   *lab.Net
	Host  netip.Addr // the host's address on vmbr0
	Guest netip.Addr // the guest's address
}

// NewPath builds the path to guest g.
func NewPath(g tree.Guest) (*Path, error) {
	top, err := lab.Plan(&tree.Tree{Guests: []tree.Guest{g}}, "vmbr0")
	if err != nil {
		return nil, err
	}
	n, err := lab.Build(top)
	if err != nil {
		return nil, err
	}
	return &Path{net: n, Host: top.Bridges[0].Addrs[0].Addr(), Guest: top.Ports[0].Addrs[0].Addr()}, nil
}

// Close releases the namespaces.
func (p *Path) Close() { p.net.Close() }

// Load replaces the host's ruleset.
func (p *Path) Load(script []byte) error { return lab.NFT{}.Load(p.net.Host, script) }

// target is the namespace that owns addr: the host or the guest.
func (p *Path) target(addr netip.Addr) *lab.NS {
	if addr == p.Host {
		return p.net.Host
	}
	return p.net.Ports[p.net.Top.Ports[0].Name]
}

// ConnectRate opens and resets TCP connections from outside to addr:port
// for d and returns connections per second. Every connection is new to
// conntrack, so each one walks the ruleset; a reset close leaves no
// TIME_WAIT behind to exhaust ports.
func (p *Path) ConnectRate(addr netip.Addr, port uint16, d time.Duration) (float64, error) {
	var ln net.Listener
	err := p.target(addr).Do(func() (err error) {
		ln, err = net.Listen("tcp", netip.AddrPortFrom(addr, port).String())
		return err
	})
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	n, failed := 0, 0
	var lastErr error
	err = p.net.Outside.Do(func() error {
		dialer := net.Dialer{Timeout: 200 * time.Millisecond}
		dst := netip.AddrPortFrom(addr, port).String()
		for start := time.Now(); time.Since(start) < d; {
			c, err := dialer.Dial("tcp", dst)
			if err != nil {
				failed, lastErr = failed+1, err
				continue
			}
			n++
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
		return nil
	})
	ln.Close()
	wg.Wait()
	// A lost SYN (a reused source port meeting a stale conntrack entry)
	// costs one timeout; only a path that mostly fails is an error.
	if err == nil && failed > n/100 {
		err = fmt.Errorf("%d of %d connects failed: %w", failed, n+failed, lastErr)
	}
	return float64(n) / d.Seconds(), err
}

var rttLine = regexp.MustCompile(`= [0-9.]+/([0-9.]+)/`)

// PingRTT sends count echo requests from outside to addr and returns the
// mean round trip. Requests of one ping run share a conntrack entry, so
// after the first this is the established path.
func (p *Path) PingRTT(addr netip.Addr, count int) (time.Duration, error) {
	out, err := p.net.Outside.Run(nil, "ping", "-q", "-n", "-c", strconv.Itoa(count), "-i", "0.002", "-W", "1", addr.String())
	if err != nil {
		return 0, err
	}
	m := rttLine.FindStringSubmatch(out)
	if m == nil {
		return 0, errors.New("ping: no rtt line in: " + out)
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	return time.Duration(ms * float64(time.Millisecond)), err
}
