# Thin wrapper over CMake: `make run` and `make test` do all set-up first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
LABQ_DB ?= labq.db

.PHONY: all setup configure build run run-part1 test test-all bench format clean

all: build

setup:
	scripts/setup

configure: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The main job: the lab sweep on the open flow, results in ./labq.db.
run: build
	$(BUILD)/cli/labq --db $(LABQ_DB) run configs/lab2.yaml --jobs $(JOBS)

run-part1: build
	$(BUILD)/cli/labq --db $(LABQ_DB) run configs/lab2_part1.yaml --jobs $(JOBS)

# Everything but the `slow` label (N=128 synthesis, long training).
test: build
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure -LE slow

test-all: build
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure

bench: build
	bench/part1_sweep $(BUILD)

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
