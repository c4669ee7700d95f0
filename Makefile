# fwc: the two commands the README names are `make example` (compile the
# bundled example tree) and `make test` (every test, kernel lab included).
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: setup build example test unit lab update vet fmt-check fuzz check bench gen-tree

setup:
	./scripts/setup

build:
	$(GO) build -o bin/fwc ./cmd/fwc

example: setup build
	./bin/fwc lint example
	./bin/fwc compile --node pve1 example

test: setup fmt-check vet unit lab

# -short leaves the kernel lab's VM run to the lab target.
unit:
	$(GO) test -short ./...

lab:
	$(GO) test -count=1 -p 1 -timeout 45m ./lab/... -v -run 'Lab|Kernel' 2>&1 | tee /tmp/fwc-lab.log | grep -E '^(lab |--- FAIL|FAIL|ok )' || true
	@grep -q '^FAIL' /tmp/fwc-lab.log && exit 1 || true
	$(GO) test -count=1 -tags lab -run TestLab ./emit/iptables

update:
	$(GO) test ./cmd/fwc ./grammar ./macros ./emit/nft ./emit/iptables -update

vet:
	$(GO) vet ./...

fmt-check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

fuzz:
	$(GO) test ./grammar -run '^$$' -fuzz FuzzParse -fuzztime 60s
	$(GO) test ./lower -run '^$$' -fuzz FuzzLower -fuzztime 60s
	$(GO) test ./lsp -run '^$$' -fuzz FuzzDocument -fuzztime 60s
	$(GO) test ./cmd/fwc -run '^$$' -fuzz FuzzMain -fuzztime 60s

check: fmt-check vet test

# Synthetic clusters and benchmarks (not part of test: about 15 minutes).
GUESTS ?= 1000
SEED ?= 1
OUT ?= /tmp/fwc-gen-$(GUESTS)
gen-tree:
	$(GO) run ./cmd/fwcgen -guests $(GUESTS) -seed $(SEED) -o $(OUT)

bench: setup
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./bench
	$(GO) run ./cmd/fwcbench -vm -o bench/RESULTS.md
