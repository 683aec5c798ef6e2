# tfc: the two entry points are `make run` and `make test`; both install what
# is missing, configure and build incrementally. `make bench` compares the
# compiled GPT-2 with ONNX Runtime and PyTorch (docs/performance.md).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
LIT := /usr/lib/llvm-22/bin/lit

.PHONY: all deps configure build run test bench check-lit check-format format docs clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@scripts/configure.sh $(BUILD_DIR) $(BUILD_TYPE)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run-example.sh $(BUILD_DIR)

check-lit: build
	@$(LIT) -sv $(BUILD_DIR)/test

check-format:
	@scripts/format.sh --check

format:
	@scripts/format.sh

docs: build
	@scripts/check-docs.sh $(BUILD_DIR) --update

test: build
	@scripts/run-tests.sh $(BUILD_DIR)

# REPS=1 for a quick check (default 5); see bench/run.sh for the variables.
bench: build
	@bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
