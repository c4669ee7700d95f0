package iptables

// Test helpers for the external test package (trees_test.go), which may
// import the pipeline without an import cycle.
var (
	NeedSystem = needSystem
	InNetns    = inNetns
)
