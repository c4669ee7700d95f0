package main

import (
	"github.com/fwc-project/fwc/lsp"
	"github.com/fwc-project/fwc/pipeline"
)

type lspCmd struct {
	commonFlags
}

// Run serves the editor on the process's own stdin and stdout (the LSP
// stdio transport); env's writers are not the protocol's channel.
func (c *lspCmd) Run(e *env) error {
	o, err := c.options()
	if err != nil {
		return err
	}
	return lsp.New(pipeline.LintOptions{Options: o}).RunStdio()
}
