package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/fwc-project/fwc/internal/testtree"
	"github.com/fwc-project/fwc/pipeline"
)

// TestMain turns the test binary into the server when the session test
// starts it, so the session speaks LSP over real pipes to a real process.
func TestMain(m *testing.M) {
	if os.Getenv("FWC_LSP_TEST_SERVER") == "1" {
		if err := New(pipeline.LintOptions{}).RunStdio(); err != nil {
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// pipe joins the server process's stdout and stdin into one stream.
type pipe struct {
	r interface{ Read([]byte) (int, error) }
	w interface {
		Write([]byte) (int, error)
		Close() error
	}
}

func (p pipe) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipe) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipe) Close() error                { return p.w.Close() }

type client struct {
	t     *testing.T
	conn  *jsonrpc2.Conn
	diags chan protocol.PublishDiagnosticsParams
}

func startServer(t *testing.T) *client {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FWC_LSP_TEST_SERVER=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, diags: make(chan protocol.PublishDiagnosticsParams, 16)}
	handler := jsonrpc2.HandlerWithError(func(_ context.Context, _ *jsonrpc2.Conn, r *jsonrpc2.Request) (any, error) {
		if r.Method == protocol.ServerTextDocumentPublishDiagnostics {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(*r.Params, &p); err != nil {
				t.Error(err)
			}
			c.diags <- p
		}
		return nil, nil
	})
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(pipe{stdout, stdin}, jsonrpc2.VSCodeObjectCodec{}), handler)
	t.Cleanup(func() {
		c.conn.Close()
		cmd.Wait()
	})
	return c
}

func (c *client) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) published() protocol.PublishDiagnosticsParams {
	c.t.Helper()
	select {
	case p := <-c.diags:
		return p
	case <-time.After(30 * time.Second):
		c.t.Fatal("no publishDiagnostics")
	}
	return protocol.PublishDiagnosticsParams{}
}

const guestText = "[OPTIONS]\nenable: 1\n[RULES]\nGROUP Webgrp\nIN ACCEPT -dest webb -p tcp -dport 443\nIN SSH(ACCEPT) -source +admins\n"

// TestSession is an editor's session: open a guest file with an error,
// see it, hover, jump to a definition, complete, fix it, see it clean.
func TestSession(t *testing.T) {
	root := testtree.Write(t, map[string]string{
		"firewall/cluster.fw":             "[OPTIONS]\nenable: 1\n[ALIASES]\nlocal_network 10.0.0.0/24\nweb 10.0.0.80\n[IPSET admins]\n10.0.0.5\n10.0.0.6\n[group webgrp]\nIN ACCEPT -p tcp -dport 80\n",
		"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1\n",
		"firewall/100.fw":                 guestText,
	})
	file := filepath.Join(root, "firewall/100.fw")
	docURI := uri(file)
	c := startServer(t)

	var init protocol.InitializeResult
	c.call("initialize", protocol.InitializeParams{}, &init)
	if init.ServerInfo == nil || init.ServerInfo.Name != "fwc" {
		t.Fatalf("initialize: %+v", init)
	}
	c.notify("initialized", protocol.InitializedParams{})

	c.notify("textDocument/didOpen", protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: docURI, LanguageID: "fwc", Version: 1, Text: guestText}})
	p := c.published()
	if p.URI != docURI || len(p.Diagnostics) != 2 {
		t.Fatalf("didOpen: %+v", p)
	}
	d := p.Diagnostics[1]
	want := protocol.Range{Start: protocol.Position{Line: 4, Character: 16}, End: protocol.Position{Line: 4, Character: 20}}
	if d.Range != want || d.Source == nil || *d.Source != "fwc" || !strings.Contains(d.Message, `did you mean "web"?`) {
		t.Errorf("diagnostic %+v (range %+v)", d, d.Range)
	}

	var hover protocol.Hover
	c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 5, Character: 25}}}, &hover)
	if !strings.Contains(markdown(hover), "10.0.0.5\n10.0.0.6") {
		t.Errorf("hover on +admins: %+v", hover.Contents)
	}
	c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 5, Character: 4}}}, &hover)
	if !strings.Contains(markdown(hover), "-p tcp -dport 22") {
		t.Errorf("hover on SSH(ACCEPT): %+v", hover.Contents)
	}

	c.call("textDocument/hover", protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 1, Character: 2}}}, &hover)
	if !strings.Contains(markdown(hover), "Guest firewall on (default 0") {
		t.Errorf("hover on enable: %+v", hover.Contents)
	}

	var defs []protocol.Location
	c.call("textDocument/definition", protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 3, Character: 8}}}, &defs)
	if len(defs) != 1 || defs[0].URI != uri(filepath.Join(root, "firewall/cluster.fw")) || defs[0].Range.Start.Line != 8 {
		t.Errorf("definition of webgrp: %+v", defs)
	}

	var refs []protocol.Location
	c.call("textDocument/references", protocol.ReferenceParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 5, Character: 25}}}, &refs)
	if len(refs) != 1 || refs[0].URI != docURI || refs[0].Range.Start.Line != 5 {
		t.Errorf("references of admins: %+v", refs)
	}

	var items []protocol.CompletionItem
	c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 4, Character: 20}}}, &items)
	if !hasLabel(items, "web") || !hasLabel(items, "+admins") {
		t.Errorf("completion after -dest: %+v", items)
	}
	c.call("textDocument/completion", protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: docURI}, Position: protocol.Position{Line: 1, Character: 0}}}, &items)
	if !hasLabel(items, "policy_in: ") || !hasLabel(items, "ipfilter: ") {
		t.Errorf("completion of guest option keys: %+v", items)
	}

	// The name-case warning on "GROUP Webgrp" has a certain fix.
	var actions []protocol.CodeAction
	c.call("textDocument/codeAction", protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: docURI},
		Range: protocol.Range{Start: protocol.Position{Line: 3, Character: 8}, End: protocol.Position{Line: 3, Character: 8}}}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil || len(actions[0].Edit.Changes[docURI]) != 1 {
		t.Fatalf("code actions: %+v", actions)
	}
	edit := actions[0].Edit.Changes[docURI][0]
	if edit.NewText != "webgrp" || edit.Range != (protocol.Range{Start: protocol.Position{Line: 3, Character: 6}, End: protocol.Position{Line: 3, Character: 12}}) {
		t.Errorf("quick fix %+v", edit)
	}

	// Apply it, and fix the typo with an incremental edit: delete the
	// second "b".
	c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: docURI}, Version: 2},
		ContentChanges: []any{protocol.TextDocumentContentChangeEvent{Range: &edit.Range, Text: edit.NewText}}})
	if p = c.published(); len(p.Diagnostics) != 1 {
		t.Errorf("after the quick fix: %+v", p.Diagnostics)
	}
	c.notify("textDocument/didChange", protocol.DidChangeTextDocumentParams{
		TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: docURI}, Version: 3},
		ContentChanges: []any{protocol.TextDocumentContentChangeEvent{
			Range: &protocol.Range{Start: protocol.Position{Line: 4, Character: 19}, End: protocol.Position{Line: 4, Character: 20}}, Text: ""}}})
	if p = c.published(); len(p.Diagnostics) != 0 {
		t.Errorf("after the fix: %+v", p.Diagnostics)
	}
}

func hasLabel(items []protocol.CompletionItem, label string) bool {
	for _, it := range items {
		if it.Label == label {
			return true
		}
	}
	return false
}

func markdown(h protocol.Hover) string {
	if mc, ok := h.Contents.(protocol.MarkupContent); ok {
		return mc.Value
	}
	return fmt.Sprint(h.Contents)
}
