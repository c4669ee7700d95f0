// Package plan is the firewall of one node as chains: built once from an
// ir.Ruleset, printed by the backends (emit/nft, emit/iptables) and
// walked by explain. It sits between ir and the emitters and holds every
// decision about what the firewall does; backends only spell it.
//
// The plan is nft-shaped, because explain must evaluate the very chains
// nft loads: a Plan has up to two Tables (inet: the host; bridge: the
// guests), each with named Sets, verdict Maps, conntrack helper objects
// and Chains. Base chains have a Hook (and always policy accept: policies
// are explicit rules); regular chains are entered by Jump, Goto or a
// VMap. Every chain has a Role (host input, user rules of one direction,
// a group, guest OUT of a NIC, ...) with its direction, guest, NIC or
// group, so nobody parses chain names.
//
// A Rule is a list of conditions (Cond), statements (Stmt) and an
// optional Verdict. All three are closed sets of plain Go types (cond.go,
// action.go) on IR values: printers and evaluators switch over them
// exhaustively, and AllConds, AllStmts and AllVerdicts let each backend's
// tests prove it handles every type. Each rule has an Origin: the user's
// ir.Rule (and its line), or the built-in Item it implements.
//
// The built-in PVE policy (policy.go) is data where it is data: port
// lists, ICMP and NDP types, TCP flag combinations, conntrack helpers,
// each with the spec section it comes from; its order (PVE's chain
// order) is in host.go and guest.go.
//
// What the plan decides and backends must not: which rules exist and in
// which order, which chains are shared (policy, group, reject chains),
// how one IR rule splits (one rule per family when it looks up a named
// set, one per ICMP type with a code, a log rule before the verdict rule),
// set and map names and contents. What backends decide: spelling (nft
// keywords, quoting, names of ICMP types), and the plumbing only they
// need, written as documented steps in the backend.
//
// Plans are plain data so later passes (issue 12: sets by content,
// hoisting, shared chains) can transform them; chains, sets and maps are
// referred to by name, unique within their table.
//
// The bridge table's two paths towards a guest (a unicast IN chain in
// prerouting where REJECT works, a late one in postrouting where it
// cannot) are explained in guest.go.
package plan
