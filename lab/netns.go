package lab

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// NS is a network namespace held open by a file descriptor of this
// process. It has no name in /run/netns: the kernel frees it when the
// descriptor is closed or the process dies, however it dies, so an
// interrupted run cannot leak namespaces and needs no sweep.
type NS struct {
	Name string // for messages only
	f    *os.File
}

// NewNS creates an empty network namespace.
func NewNS(name string) (*NS, error) {
	type result struct {
		f   *os.File
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// The thread is left in the new namespace; never unlocking it makes
		// the runtime discard the thread when this goroutine ends.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- result{err: fmt.Errorf("new network namespace: %w", err)}
			return
		}
		f, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		ch <- result{f, err}
	}()
	r := <-ch
	if r.err != nil {
		return nil, r.err
	}
	return &NS{Name: name, f: r.f}, nil
}

// Close releases the namespace.
func (n *NS) Close() error { return n.f.Close() }

// Path names the namespace for iproute2's "netns" arguments.
func (n *NS) Path() string { return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), n.f.Fd()) }

// Do runs fn on an OS thread that has joined the namespace. Sockets fn
// opens belong to the namespace and stay usable from any goroutine;
// processes it starts inherit the namespace.
func (n *NS) Do(fn func() error) error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see NewNS
		if err := unix.Setns(int(n.f.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- fmt.Errorf("enter %s: %w", n.Name, err)
			return
		}
		ch <- fn()
	}()
	return <-ch
}

// Run runs a command inside the namespace with stdin and returns its
// standard output; a failure carries the command's standard error.
func (n *NS) Run(stdin []byte, name string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := n.Do(func() error {
		cmd := exec.Command(name, args...)
		cmd.Stdin = bytes.NewReader(stdin)
		cmd.Stdout, cmd.Stderr = &out, &errb
		return cmd.Run()
	})
	if err != nil {
		return out.String(), fmt.Errorf("%s: %s %s: %v\n%s", n.Name, name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// Sysctl sets net.* keys in the namespace, given as slash paths under
// /proc/sys. Keys that do not exist (a module not loaded) are skipped
// when optional is set.
func (n *NS) Sysctl(optional bool, kv ...string) error {
	return n.Do(func() error {
		for i := 0; i+1 < len(kv); i += 2 {
			p := "/proc/sys/" + kv[i]
			err := os.WriteFile(p, []byte(kv[i+1]), 0o644)
			if err != nil && !(optional && os.IsNotExist(err)) {
				return fmt.Errorf("%s: sysctl %s: %w", n.Name, kv[i], err)
			}
		}
		return nil
	})
}
