# Set-up and everyday commands. `make demo` and `make test` install the
# Debian packages lunet needs when they are missing (Swift 6 itself must be
# on the PATH).
SHELL := /bin/bash
PACKAGES := liblua5.4-dev libopenblas-dev libreadline-dev libpng-dev libjpeg-dev \
            zlib1g-dev libzip-dev dataset-fashion-mnist
# lunet loads Open MPI at run time, only under mpirun (docs/distributed.md); the
# suite's multi-rank tests need the launcher and the library, nothing links them.
TEST_PACKAGES := openmpi-bin libopenmpi3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test bench clean install install-files uninstall

# `make install` puts the executable in $(PREFIX)/bin and the Lua library in
# $(PREFIX)/share/lunet/lua, where lunet looks for it beside its own prefix.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
LUADIR = $(DESTDIR)$(PREFIX)/share/lunet/lua
LUNET_BIN ?= .build/release/lunet

deps:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

build: deps
	swift build -c release --product lunet

demo: build
	.build/release/lunet examples/quickstart.lua

# The suite is XCTest; without the flag swift test also starts Swift
# Testing, whose "0 tests passed" line would close the output. The
# end-to-end tests of the executable also run the release build (which
# users run) and check that it answers as the debug build does.
test: PACKAGES += $(TEST_PACKAGES)
test: deps
	swift build -c release --product lunet
	LUNET_RELEASE_EXECUTABLE="$(CURDIR)/.build/release/lunet" swift test --disable-swift-testing

bench: deps
	swift build -c release --product LunetBench
	.build/release/LunetBench

install: build install-files

# Copies an already built LUNET_BIN (the tests install a debug build this way).
install-files:
	install -d $(BINDIR) $(LUADIR)/lunet
	install -m 755 $(LUNET_BIN) $(BINDIR)/lunet
	install -m 644 lua/lunet/*.lua $(LUADIR)/lunet/

uninstall:
	rm -f $(BINDIR)/lunet
	rm -rf $(DESTDIR)$(PREFIX)/share/lunet

clean:
	rm -rf .build
