# PTTH Inspector: `make run` opens the window with live demo traffic,
# `make test` runs vet and the race-enabled tests. Both install what is missing.

APT_PKGS := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev \
            libxinerama-dev libxi-dev libxxf86vm-dev
GO ?= go
BIN := ptth-inspector
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build bench fuzz screenshots clean

# deps installs the C toolchain and GL/X11 headers Fyne's cgo build needs,
# asking apt-get only for what dpkg says is missing.
deps:
	@command -v $(GO) >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install" >&2; exit 1; }
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	CGO_ENABLED=1 $(GO) build -tags migrated_fynedo -o $(BIN) .

run: build
	./$(BIN) --demo

test: deps
	$(GO) vet ./...
	CGO_ENABLED=1 $(GO) test -race ./...

bench: deps
	$(GO) test ./proxy -run '^$$' -bench Relay -benchtime 2s

# fuzz runs each fuzz target for FUZZTIME (their seed corpora run in
# `make test` too); a crasher lands in the package's testdata/fuzz.
FUZZTIME ?= 30s
FUZZ_TARGETS := ./proxy/wire:FuzzReader ./proxy/dissect:FuzzConn ./proxy/comet:FuzzDecode \
                ./session/capture:FuzzOpen ./session/capture:FuzzDecodeExchange \
                ./session/edit:FuzzParse ./session/edit:FuzzParseMany ./ui/filter:FuzzContainsFold
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name in $$pkg for $(FUZZTIME)"; \
	  $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

screenshots: deps
	$(GO) test ./ui -run TestScreenshots -args -update-screenshots

clean:
	rm -f $(BIN)
