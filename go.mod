module github.com/fwc-project/fwc

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	github.com/alecthomas/participle/v2 v2.1.4
	golang.org/x/sys v0.49.0
	golang.org/x/tools v0.52.0
)

require github.com/google/go-cmp v0.7.0
