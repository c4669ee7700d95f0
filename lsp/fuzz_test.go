package lsp

import (
	"path/filepath"
	"testing"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/fwc-project/fwc/internal/testtree"
	"github.com/fwc-project/fwc/pipeline"
)

// FuzzDocument applies random incremental edits to an open guest file and
// asks for hover, definition and completion at random positions: the
// server must never panic, and its text must stay what a full-text client
// would hold.
func FuzzDocument(f *testing.F) {
	f.Add(guestText, []byte{4, 16, 4, 20, 'x', 0, 0, 9, 9, '+'})
	f.Add("[RULES]\nIN SSH(ACCEPT)\n", []byte{0, 200, 7, 1, '\n', 1, 3, 1, 3, 'é'})
	f.Add("[group a]\n", []byte{0, 1, 0, 1, '['})
	root := testtree.Write(f, map[string]string{
		"firewall/cluster.fw":             "[ALIASES]\nweb 10.0.0.80\n[IPSET admins]\n10.0.0.5\n[group webgrp]\nIN ACCEPT -p tcp -dport 80\n",
		"nodes/pve1/qemu-server/100.conf": "net0: virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1\n",
	})
	fp := filepath.Join(root, "firewall/100.fw")
	ctx := &glsp.Context{Notify: func(string, any) {}}
	f.Fuzz(func(t *testing.T, text string, edits []byte) {
		s := New(pipeline.LintOptions{})
		id := protocol.TextDocumentIdentifier{URI: uri(fp)}
		if err := s.didOpen(ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: id.URI, Text: text}}); err != nil {
			t.Fatal(err)
		}
		for len(edits) >= 5 {
			r := protocol.Range{Start: protocol.Position{Line: protocol.UInteger(edits[0]), Character: protocol.UInteger(edits[1])},
				End: protocol.Position{Line: protocol.UInteger(edits[2]), Character: protocol.UInteger(edits[3])}}
			change := protocol.TextDocumentContentChangeEvent{Range: &r, Text: string(edits[4:5])}
			edits = edits[5:]
			if err := s.didChange(ctx, &protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: id},
				ContentChanges: []any{change}}); err != nil {
				t.Fatal(err)
			}
			pos := protocol.TextDocumentPositionParams{TextDocument: id, Position: r.Start}
			if _, err := s.hover(ctx, &protocol.HoverParams{TextDocumentPositionParams: pos}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.definition(ctx, &protocol.DefinitionParams{TextDocumentPositionParams: pos}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.completion(ctx, &protocol.CompletionParams{TextDocumentPositionParams: pos}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.references(ctx, &protocol.ReferenceParams{TextDocumentPositionParams: pos}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestOffsetUTF16(t *testing.T) {
	text := "a😀b\nxy"
	for _, tc := range []struct {
		p    protocol.Position
		want int
	}{
		{protocol.Position{Line: 0, Character: 1}, 1},
		{protocol.Position{Line: 0, Character: 3}, 5}, // after the surrogate pair
		{protocol.Position{Line: 0, Character: 99}, 6},
		{protocol.Position{Line: 1, Character: 1}, 8},
		{protocol.Position{Line: 7, Character: 0}, len(text)},
	} {
		if got := offset(text, tc.p); got != tc.want {
			t.Errorf("offset(%+v) = %d, want %d", tc.p, got, tc.want)
		}
	}
	if got := position(text, 1, 4); got != (protocol.Position{Line: 0, Character: 4}) {
		t.Errorf("position after the emoji = %+v", got)
	}
}
