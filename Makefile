# prodready: every command a developer or CI needs.
GO    ?= go
BIN   := bin/prodready
PKGS  := ./...
TOOLS := $(CURDIR)/.tools/bin
# The Go modules make test vets and tests: the library, the CLI and the
# renderer of charts and overlays. The CLI and render are modules of their
# own so that a program importing the engine builds neither Helm nor
# kustomize (nor the client-go Helm brings).
MODULES := . cmd/prodready render

.PHONY: build release release-binaries demo test examples admission admission-bench render-bench race fuzz lint bench docs api bundles tools clean

build:
	cd cmd/prodready && $(GO) build -o $(CURDIR)/$(BIN) .

# demo builds prodready and checks a shipped manifest that breaks a few rules.
# prodready exits 1 on failing findings; that is the point of the demo.
demo: build
	@echo '$$ prodready check examples/demo/'
	@./$(BIN) check examples/demo/; status=$$?; test $$status -le 1

# test runs everything: formatting, vet, the Rego unit tests (through
# go test ./policies/), the Go tests, the end-to-end CLI tests, and the
# bundles run by the real opa, conftest and gator (installed by make tools),
# which must then be there: a missing engine fails instead of skipping.
test: lint tools
	@for m in $(MODULES); do \
		echo "go test ./... in $$m"; \
		(cd $$m && PRODREADY_REQUIRE_ENGINES=1 PRODREADY_TOOLS_BIN=$(TOOLS) $(GO) test -count=1 $(PKGS)) || exit 1; \
	done
	@$(MAKE) --no-print-directory examples
	@$(MAKE) --no-print-directory admission
	@$(MAKE) --no-print-directory race
	@$(MAKE) --no-print-directory fuzz

# examples builds and tests examples/sdk, the SDK's example programs: a Go
# module of its own, so that k8s.io/api (which they use) is no dependency
# of the library.
examples:
	cd examples/sdk && $(GO) vet ./... && $(GO) test -count=1 ./...

# admission replays applies through Gatekeeper's constraint framework with
# the committed bundles/gatekeeper (internal/admission): a Go module of its
# own, so that Gatekeeper's dependencies are no dependency of the library.
admission:
	cd internal/admission && $(GO) vet ./... && $(GO) test -count=1 ./...

# race runs the tests of what runs concurrently (one engine shared by
# goroutines, sessions, the deadline's workers, the loader's decoders)
# under the race detector. The whole suite under it takes minutes: the
# detector makes the YAML parser about twenty times slower.
race:
	$(GO) test -race -count=1 -run 'Concurrent|SlowRule|Progress|CheckAudits|ObjectsThatCannot|Duplicate' ./pkg/engine
	$(GO) test -race -count=1 -run 'TestLoad' ./pkg/manifest

# fuzz runs each fuzz target for FUZZTIME, from its seed corpus in
# testdata/fuzz and what earlier runs found (kept in the Go build cache).
# An input that fails is written to testdata/fuzz: fix the bug and keep it
# there as a seed. Minimizing a new input for at most 100 runs, not Go's
# default minute, leaves a short run its time to fuzz.
FUZZTIME ?= 10s
FUZZ     := $(GO) test -run '^$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 100x

fuzz:
	$(FUZZ) -fuzz '^FuzzParse$$' ./pkg/manifest
	$(FUZZ) -fuzz '^FuzzQuantity$$' ./policies
	$(FUZZ) -fuzz '^FuzzCheck$$' ./pkg/engine

# tools installs the engines the tests run, at pinned versions, into .tools/bin.
tools:
	@bash scripts/install-tools.sh

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	@for m in $(MODULES); do (cd $$m && $(GO) vet $(PKGS)) || exit 1; done

# docs regenerates docs/rules/<id>.md from the rules' METADATA and examples,
# and docs/config.schema.json from the catalogue; make test fails when they
# are stale.
docs:
	UPDATE_DOCS=1 $(GO) test -count=1 -run 'TestRuleDocsAreUpToDate|TestSchemaIsUpToDate' ./internal/docs ./pkg/config

# api rewrites docs/api.txt, the record of the exported Go API, after a
# deliberate change of it (say what changed in CHANGELOG.md); make test
# fails when the code and the record differ.
api:
	UPDATE_API=1 $(GO) test -count=1 -run TestExportedAPIIsRecorded ./internal/apicheck

# bundles rebuilds the committed bundles/ for OPA, Gatekeeper and Conftest,
# the library as it ships whatever .prodready.yaml a developer has;
# make test fails when they are stale.
bundles: build
	@for target in opa gatekeeper conftest; do \
		rm -rf bundles/$$target && ./$(BIN) bundle --no-config --target $$target --out bundles/$$target || exit 1; \
	done

# bench runs the Go benchmarks, then times whole commands (load-only,
# prodready check, conftest with prodready's bundle, kube-score) on the real
# corpus beside the repository and on corpora of 10k and 100k objects
# generated from it into .bench/, and checks the targets of issue 7; then
# admission-bench.
CORPUS ?= ../shared/corpus

bench:
	@test -d $(CORPUS) || { echo "bench: no corpus at $(CORPUS) (the real manifests to measure on; set CORPUS=dir)" >&2; exit 1; }
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/manifest ./pkg/engine
	@bash scripts/install-tools.sh bench
	@$(MAKE) --no-print-directory build
	$(GO) run ./cmd/prodready-bench run -corpus $(CORPUS) -tools $(TOOLS) -prodready $(BIN)
	@$(MAKE) --no-print-directory render-bench
	@$(MAKE) --no-print-directory admission-bench

# render-bench times prodready check on charts and overlays where they live
# against helm template or kustomize build piped to prodready check -
# (render/, TestRenderCost): at most 1.5x.
render-bench: build tools
	cd render && PRODREADY_RENDER_BENCH=1 PRODREADY_BIN=$(CURDIR)/$(BIN) PRODREADY_TOOLS_BIN=$(TOOLS) $(GO) test -run TestRenderCost -count=1 -v .

# admission-bench times one Gatekeeper webhook review through the constraint
# framework (internal/admission, TestAdmissionLatency): prodready's bundle
# beside gatekeeper-library's templates for the same practices, with 0, 1,000
# and 10,000 objects synced, and checks the targets of issue 15
# (docs/performance.md).
admission-bench:
	cd internal/admission && PRODREADY_ADMISSION_BENCH=1 $(GO) test -run TestAdmissionLatency -count=1 -v .

# release VERSION=1.2.0 REGISTRY=oci://HOST/REPO [SIGNING_KEY=key.pem] builds
# the CLI for every platform into dist/ (-trimpath, no build ID: the same
# source gives the same bytes), pushes the OPA, Conftest and Gatekeeper
# bundles tagged with the version, and writes dist/release.json and
# dist/checksums.txt (docs/releases.md). DIST=DIR writes elsewhere.
DIST ?= dist
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

release-binaries:
	@test -n "$(VERSION)" || { echo "release: VERSION=... is required" >&2; exit 2; }
	rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		echo "building prodready $(VERSION) for $$os/$$arch"; \
		GO=$(GO) scripts/build-release.sh $$os $$arch $(abspath $(DIST))/prodready_$(VERSION)_$${os}_$${arch}$$ext $(VERSION) || exit 1; \
	done

release: release-binaries
	@test -n "$(REGISTRY)" || { echo "release: REGISTRY=oci://HOST/REPO is required" >&2; exit 2; }
	$(GO) run ./cmd/prodready-release -version $(VERSION) -registry $(REGISTRY) -commit $$(git rev-parse HEAD) \
		$(if $(SIGNING_KEY),-signing-key $(SIGNING_KEY)) -binaries $(DIST) -out $(DIST)

clean:
	rm -rf bin
