package plan

// passes are the plan's optimiser passes (issue 12), in the order they
// run on each table. Each keeps the verdict of every packet.
var passes = []func(*Table){
	SharedSets,
}

// Optimize runs every pass over every table of p; -O0 does not call it.
func Optimize(p *Plan) {
	for _, t := range p.Tables {
		for _, pass := range passes {
			pass(t)
		}
	}
}
