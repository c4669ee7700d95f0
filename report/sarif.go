package report

import (
	"io"
	"path/filepath"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/fwc-project/fwc/ir"
)

// SARIF prints a SARIF 2.1.0 log with one run: the whole check registry as
// the tool's rules (id, default level, description) and one result per
// diagnostic with its range, related locations and certain fix. Columns
// count Unicode code points, as fwc's positions do.
func SARIF(w io.Writer, ds ir.Diags) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRun(*sarif.NewSimpleTool("fwc"))
	run.WithColumnKind("unicodeCodePoints")
	index := map[ir.Code]int{}
	for i, c := range ir.Checks {
		index[c.Code] = i
		run.AddRule(string(c.Code)).
			WithShortDescription(sarif.NewMultiformatMessageString(c.Doc)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(c.Severity.String()))
	}
	run.WithResults([]*sarif.Result{})
	for _, d := range ds {
		res := sarif.NewRuleResult(string(d.Code)).
			WithRuleIndex(index[d.Code]).
			WithLevel(d.Severity.String()).
			WithMessage(sarif.NewTextMessage(d.Message)).
			WithLocations([]*sarif.Location{location(d.Pos, d.End)})
		for _, r := range d.Related {
			res.AddRelatedLocation(location(r.Pos, ir.Pos{}).WithMessage(sarif.NewTextMessage(r.Message)))
		}
		if f := d.Fix; f != nil {
			change := sarif.NewArtifactChange(artifact(f.Pos)).WithReplacement(
				sarif.NewReplacement(region(f.Pos, f.End)).
					WithInsertedContent(sarif.NewArtifactContent().WithText(f.NewText)))
			res.AddFix(sarif.NewFix().WithDescriptionText("replace with " + f.NewText).WithArtifactChanges([]*sarif.ArtifactChange{change}))
		}
		run.AddResult(res)
	}
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

func artifact(p ir.Pos) *sarif.ArtifactLocation {
	return sarif.NewSimpleArtifactLocation(filepath.ToSlash(p.Filename))
}

func location(pos, end ir.Pos) *sarif.Location {
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(artifact(pos))
	if pos.IsValid() {
		pl.WithRegion(region(pos, end))
	}
	return sarif.NewLocationWithPhysicalLocation(pl)
}

// region is a start with, when known, an exclusive end.
func region(pos, end ir.Pos) *sarif.Region {
	r := sarif.NewRegion().WithStartLine(pos.Line).WithStartColumn(pos.Column)
	if end.IsValid() {
		r.WithEndLine(end.Line).WithEndColumn(end.Column)
	}
	return r
}
