// Package lsp is fwc's language server (`fwc lsp`, LSP over stdio) for
// .fw files and guest configs: lint's diagnostics on open and change,
// resolved against the tree the file sits in; hover, go to definition and
// find references for aliases, IP sets and groups; completion of section
// headers, option keys, rule options, macros and names in scope.
package lsp

import (
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
	"github.com/tliron/glsp/server"

	"github.com/fwc-project/fwc/ir"
	"github.com/fwc-project/fwc/pipeline"
)

// Server holds the open documents and one lint workspace per tree.
type Server struct {
	mu         sync.Mutex
	o          pipeline.LintOptions
	docs       map[string]string   // path → text of open documents
	last       map[string]ir.Diags // path → the findings last published
	workspaces map[string]*pipeline.Workspace
	handler    protocol.Handler
}

// New makes a server that lints with o.
func New(o pipeline.LintOptions) *Server {
	s := &Server{o: o, docs: map[string]string{}, last: map[string]ir.Diags{}, workspaces: map[string]*pipeline.Workspace{}}
	s.handler = protocol.Handler{
		Initialize:                     s.initialize,
		Initialized:                    func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown:                       func(*glsp.Context) error { return nil },
		SetTrace:                       func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		TextDocumentDidOpen:            s.didOpen,
		TextDocumentDidChange:          s.didChange,
		TextDocumentDidClose:           s.didClose,
		TextDocumentDidSave:            s.didSave,
		WorkspaceDidChangeWatchedFiles: s.didChangeWatched,
		TextDocumentHover:              s.hover,
		TextDocumentDefinition:         s.definition,
		TextDocumentReferences:         s.references,
		TextDocumentCompletion:         s.completion,
		TextDocumentCodeAction:         s.codeAction,
	}
	return s
}

// RunStdio serves one client on stdin and stdout until it disconnects.
func (s *Server) RunStdio() error {
	return server.NewServer(&s.handler, "fwc", false).RunStdio()
}

func (s *Server) initialize(_ *glsp.Context, _ *protocol.InitializeParams) (any, error) {
	caps := s.handler.CreateServerCapabilities()
	caps.TextDocumentSync = protocol.TextDocumentSyncOptions{
		OpenClose: &protocol.True,
		Change:    ptr(protocol.TextDocumentSyncKindIncremental),
		Save:      &protocol.SaveOptions{},
	}
	caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"[", "+", "-"}}
	return protocol.InitializeResult{Capabilities: caps,
		ServerInfo: &protocol.InitializeResultServerInfo{Name: "fwc"}}, nil
}

func ptr[T any](v T) *T { return &v }

// path turns a file URI into a path; "" for other schemes.
func path(uri protocol.DocumentUri) string {
	u, err := url.Parse(string(uri))
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return filepath.Clean(u.Path)
}

func uri(path string) protocol.DocumentUri {
	return protocol.DocumentUri((&url.URL{Scheme: "file", Path: path}).String())
}

// workspace returns the workspace of the tree path belongs to; nil for a
// file outside any tree.
func (s *Server) workspace(p string) *pipeline.Workspace {
	pl, ok := pipeline.Locate(p)
	if !ok {
		return nil
	}
	w, ok := s.workspaces[pl.Under]
	if !ok {
		w = pipeline.NewWorkspace(pl.Under, s.o)
		s.workspaces[pl.Under] = w
	}
	return w
}

func (s *Server) didOpen(ctx *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(ctx, path(p.TextDocument.URI), p.TextDocument.Text)
}

func (s *Server) didChange(ctx *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	text, ok := s.docs[fp]
	if !ok {
		return nil
	}
	for _, c := range p.ContentChanges {
		text = applyChange(text, c)
	}
	return s.update(ctx, fp, text)
}

func (s *Server) didClose(ctx *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	delete(s.docs, fp)
	delete(s.last, fp)
	if w := s.workspace(fp); w != nil {
		w.SetOverlay(fp, nil)
	}
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{
		URI: p.TextDocument.URI, Diagnostics: []protocol.Diagnostic{}})
	return nil
}

// didSave and watched-file changes mean the disk changed: re-read trees.
func (s *Server) didSave(ctx *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reloadAll(ctx)
	return nil
}

func (s *Server) didChangeWatched(ctx *glsp.Context, _ *protocol.DidChangeWatchedFilesParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reloadAll(ctx)
	return nil
}

func (s *Server) reloadAll(ctx *glsp.Context) {
	for _, w := range s.workspaces {
		w.Reload()
	}
	for fp, text := range s.docs {
		_ = s.update(ctx, fp, text)
	}
}

// update records a document's text and publishes its diagnostics.
func (s *Server) update(ctx *glsp.Context, fp, text string) error {
	if fp == "" {
		return nil
	}
	s.docs[fp] = text
	var ds ir.Diags
	var err error
	if w := s.workspace(fp); w != nil {
		w.SetOverlay(fp, []byte(text))
		var ok bool
		if ds, ok, err = w.LintFile(fp); err == nil && !ok {
			ds, err = pipeline.LintPath(fp, []byte(text), nil, s.o)
		}
	} else {
		ds, err = pipeline.LintPath(fp, []byte(text), nil, s.o)
	}
	if err != nil {
		return err
	}
	out := []protocol.Diagnostic{}
	s.last[fp] = nil
	for _, d := range ds {
		if d.Pos.Filename == fp {
			out = append(out, s.diagnostic(text, d))
			s.last[fp] = append(s.last[fp], d)
		}
	}
	ctx.Notify(protocol.ServerTextDocumentPublishDiagnostics, protocol.PublishDiagnosticsParams{URI: uri(fp), Diagnostics: out})
	return nil
}

func (s *Server) diagnostic(text string, d ir.Diagnostic) protocol.Diagnostic {
	sev := map[ir.Severity]protocol.DiagnosticSeverity{
		ir.Error: protocol.DiagnosticSeverityError, ir.Warning: protocol.DiagnosticSeverityWarning, ir.Note: protocol.DiagnosticSeverityInformation,
	}[d.Severity]
	pd := protocol.Diagnostic{Range: s.rangeOf(text, d.Pos, d.End), Severity: &sev, Source: ptr("fwc"),
		Code: &protocol.IntegerOrString{Value: string(d.Code)}, Message: d.Message}
	for _, r := range d.Related {
		rtext := text
		if r.Pos.Filename != d.Pos.Filename {
			rtext = s.text(r.Pos.Filename)
		}
		pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: uri(r.Pos.Filename), Range: s.rangeOf(rtext, r.Pos, ir.Pos{})}, Message: r.Message})
	}
	return pd
}

// rangeOf is a diagnostic's range; a point or a whole-file position
// covers its first line's start.
func (s *Server) rangeOf(text string, pos, end ir.Pos) protocol.Range {
	start := position(text, pos.Line, pos.Column)
	if !end.IsValid() {
		return protocol.Range{Start: start, End: start}
	}
	return protocol.Range{Start: start, End: position(text, end.Line, end.Column)}
}

// codeAction offers the certain fixes (lint --fix's) of the findings in
// the range as quick fixes.
func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := path(p.TextDocument.URI)
	text := s.docs[fp]
	out := []protocol.CodeAction{}
	for _, d := range s.last[fp] {
		if d.Fix == nil {
			continue
		}
		r := s.rangeOf(text, d.Fix.Pos, d.Fix.End)
		if before(r.End, p.Range.Start) || before(p.Range.End, r.Start) {
			continue
		}
		out = append(out, protocol.CodeAction{Title: "Replace with " + d.Fix.NewText, Kind: ptr(protocol.CodeActionKindQuickFix),
			Diagnostics: []protocol.Diagnostic{s.diagnostic(text, d)}, IsPreferred: &protocol.True,
			Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{
				p.TextDocument.URI: {{Range: r, NewText: d.Fix.NewText}}}}})
	}
	return out, nil
}

func before(a, b protocol.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

// text is a file's current text: the open document's, else the disk's.
func (s *Server) text(fp string) string {
	if t, ok := s.docs[fp]; ok {
		return t
	}
	if w := s.workspace(fp); w != nil {
		return string(w.Text(fp))
	}
	return ""
}

// scopeName strips an IP set's '+' and a dc/ or guest/ scope.
func scopeName(word string) (name string, set bool) {
	name, set = strings.CutPrefix(word, "+")
	if _, rest, ok := strings.Cut(name, "/"); ok {
		name = rest
	}
	return name, set
}
