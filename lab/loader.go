package lab

import (
	"errors"
	"fmt"
	"strings"
)

// ErrLoad marks a ruleset the kernel's tools refused.
var ErrLoad = errors.New("the ruleset did not load")

// Loader puts a compiled ruleset into the host namespace with the real
// tools and lists what the kernel holds. The nft backend is NFT; an
// iptables-restore loader can implement the same interface.
type Loader interface {
	Name() string
	Load(ns *NS, script []byte) error
	List(ns *NS) (string, error)
}

// NFT loads with `nft -f -`.
type NFT struct{}

// Name implements Loader.
func (NFT) Name() string { return "nft" }

// Load implements Loader; the error carries nft's message.
func (NFT) Load(ns *NS, script []byte) error {
	if _, err := ns.Run(script, "nft", "-f", "-"); err != nil {
		return fmt.Errorf("%w: nft -f: %w", ErrLoad, err)
	}
	return nil
}

// List implements Loader.
func (NFT) List(ns *NS) (string, error) {
	out, err := ns.Run(nil, "nft", "list", "ruleset")
	return strings.TrimRight(out, "\n"), err
}
