# Hypha — the two commands: `make run` and `make test`. Both install the Debian packages they
# need (with sudo when not root), build, and then run the app or every test.
SHELL := /bin/bash
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DATA_DIR ?=

# Packages the app needs to build and run, and what the tests need on top.
RUN_PACKAGES := pkg-config libncurses-dev libsodium-dev libsqlite3-dev tmux ncurses-base
TEST_PACKAGES := $(RUN_PACKAGES) procps python3

.PHONY: run test build build-tests deps deps-test e2e bench screenshots clean

run: deps build
	./.build/debug/hypha $(if $(DATA_DIR),--data-dir $(DATA_DIR),)

test: deps-test build-tests
	$(SWIFT) test
	./scripts/e2e/run-all.sh

build:
	$(SWIFT) build --product hypha

build-tests:
	$(SWIFT) build --build-tests

# Installs each missing package; runs apt-get update only when something is missing.
deps:
	@./scripts/install-packages.sh $(RUN_PACKAGES)

deps-test:
	@./scripts/install-packages.sh $(TEST_PACKAGES)

e2e: deps-test build
	./scripts/e2e/run-all.sh

bench: deps
	$(SWIFT) build -c release --product hypha
	./.build/release/hypha bench local

clean:
	rm -rf .build
