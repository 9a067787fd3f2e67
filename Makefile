# Jianyan's everyday commands. `make help` lists them.

FUNCTIONS := collect staff documents route summarize check console
LAMBDA_GOARCH ?= arm64
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w -buildid="
GO ?= go

.PHONY: help build build-lambda build-local build-ui test lint run bench deploy clean fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

build: build-lambda build-local ## every Lambda bootstrap (arm64 and this machine's arch) and the local binary

# One pattern rule builds every function: stripped, static, no RPC mode.
build/lambda/$(LAMBDA_GOARCH)/%/bootstrap: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_GOARCH) $(GO) build $(LAMBDA_FLAGS) -o $@ ./functions/$*

build/lambda/native/%/bootstrap: FORCE
	CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o $@ ./functions/$*

build-lambda: $(FUNCTIONS:%=build/lambda/$(LAMBDA_GOARCH)/%/bootstrap) $(FUNCTIONS:%=build/lambda/native/%/bootstrap) ## the Lambda bootstraps
	@ls -l build/lambda/*/*/bootstrap

build-local: ## the one-process local stack
	$(GO) build -trimpath -o build/jianyan-local ./infra/local

build-ui: ## rebuild the console (ui/dist, committed) from ui/'s sources; needs Node 20 and npm
	cd ui && npm ci && npm run build

test: ## every test (DynamoDB, emulator and browser tests need their tools; see README)
	$(GO) test -count=1 -timeout 15m ./...

lint: ## gofmt, go vet, staticcheck (pinned in go.mod's tool block) and cfn-lint
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	cfn-lint template.yaml

run: ## Jianyan on http://127.0.0.1:8080 with a local SQLite file
	$(GO) run ./infra/local

bench: ## the benchmark harness (see BENCHMARKS.md)
	$(GO) run ./infra/bench

deploy: ## build with SAM and deploy (asks for parameters the first time)
	sam build && sam deploy --guided

# sam build (template.yaml, Metadata: BuildMethod: makefile) runs
# `make build-<LogicalId>` with ARTIFACTS_DIR set; each target reuses the
# pattern rule above and copies the arm64 bootstrap into the artifact.
SAM_TARGETS := build-CollectFunction build-StaffFunction build-DocumentsFunction build-RouteFunction build-SummarizeFunction build-CheckFunction build-ConsoleFunction
.PHONY: $(SAM_TARGETS)
build-CollectFunction: build/lambda/$(LAMBDA_GOARCH)/collect/bootstrap
build-StaffFunction: build/lambda/$(LAMBDA_GOARCH)/staff/bootstrap
build-DocumentsFunction: build/lambda/$(LAMBDA_GOARCH)/documents/bootstrap
build-RouteFunction: build/lambda/$(LAMBDA_GOARCH)/route/bootstrap
build-SummarizeFunction: build/lambda/$(LAMBDA_GOARCH)/summarize/bootstrap
build-CheckFunction: build/lambda/$(LAMBDA_GOARCH)/check/bootstrap
build-ConsoleFunction: build/lambda/$(LAMBDA_GOARCH)/console/bootstrap
$(SAM_TARGETS):
	@test -n "$(ARTIFACTS_DIR)" || { echo "$@: ARTIFACTS_DIR is unset (sam build sets it)" >&2; exit 1; }
	cp $< "$(ARTIFACTS_DIR)/bootstrap"

clean:
	rm -rf build .aws-sam

FORCE:
