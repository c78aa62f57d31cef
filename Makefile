# prodready: every command a developer or CI needs.
GO    ?= go
BIN   := bin/prodready
PKGS  := ./...

.PHONY: build demo test lint bench docs clean

build:
	$(GO) build -o $(BIN) ./cmd/prodready

# demo builds prodready and checks a shipped manifest that breaks a few rules.
# prodready exits 1 on failing findings; that is the point of the demo.
demo: build
	@echo '$$ prodready check examples/demo/'
	@./$(BIN) check examples/demo/; status=$$?; test $$status -le 1

# test runs everything: formatting, vet, the Rego unit tests (through
# go test ./policies/), the Go tests and the end-to-end CLI tests.
test: lint
	$(GO) test -count=1 $(PKGS)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

# docs regenerates docs/rules/<id>.md from the rules' METADATA and examples;
# make test fails when they are stale.
docs:
	UPDATE_DOCS=1 $(GO) test -count=1 -run TestRuleDocsAreUpToDate ./pkg/docs

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/manifest ./pkg/engine

clean:
	rm -rf bin
