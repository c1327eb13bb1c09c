# gozenoh — build, test, fuzz, bench.
GO        ?= go
PYTHON    ?= python3
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
PKGS      := ./...

.PHONY: all test unit interop-deps interop fuzz bench vet fmt release

all: vet test

# interop-deps installs the pinned real Zenoh (Python wheel carrying the Rust implementation).
interop-deps:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r interop/requirements.txt

# test runs every test, the interop tests against real Zenoh included (they fail, not skip, when CI=true).
test: interop-deps
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# unit runs the tests that need no real Zenoh.
unit:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /interop)

# fuzz runs each fuzz target for FUZZTIME.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -l -w .

release:
	@mkdir -p dist
	CGO_ENABLED=0 GOOS=linux   GOARCH=amd64 $(GO) build -trimpath -o dist/gozenoh-linux-amd64 ./cmd/gozenoh
	CGO_ENABLED=0 GOOS=linux   GOARCH=arm64 $(GO) build -trimpath -o dist/gozenoh-linux-arm64 ./cmd/gozenoh
	CGO_ENABLED=0 GOOS=darwin  GOARCH=arm64 $(GO) build -trimpath -o dist/gozenoh-darwin-arm64 ./cmd/gozenoh
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -o dist/gozenoh-windows-amd64.exe ./cmd/gozenoh
	@if ldd dist/gozenoh-linux-amd64 2>&1 | grep -q 'not a dynamic executable'; then echo "linux/amd64: static"; else echo "linux/amd64 has dynamic dependencies"; exit 1; fi
