# Set-up and everyday commands. `make demo` and `make test` install the
# Debian packages lunet needs when they are missing (Swift 6 itself must be
# on the PATH).
SHELL := /bin/bash
PACKAGES := liblua5.4-dev libopenblas-dev libreadline-dev libpng-dev libjpeg-dev \
            zlib1g-dev libzip-dev dataset-fashion-mnist
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build demo test bench clean

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
test: deps
	swift build -c release --product lunet
	LUNET_RELEASE_EXECUTABLE="$(CURDIR)/.build/release/lunet" swift test --disable-swift-testing

bench: deps
	swift build -c release --product LunetBench
	.build/release/LunetBench

clean:
	rm -rf .build
