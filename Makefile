# Thin wrapper over CMake: `make run` and `make test` do all set-up first.
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=
LABQ_DB ?= labq.db

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
SANITIZE_BUILD ?= build-asan

.PHONY: all setup configure build run run-part1 test test-all bench format clean fuzz sanitize

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

# libFuzzer targets (clang, ASan+UBSan) for the sweep parser and every report
# parser, each run for FUZZ_SECONDS from fuzz/corpus; no LibTorch, own build dir.
fuzz: setup
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DLABQ_FUZZ=ON -DLABQ_BUILD_QAT=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	scripts/run-fuzzers $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The test suite (without `slow` and the LibTorch trainer) under ASan+UBSan.
sanitize: setup
	cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DLABQ_SANITIZE=ON -DLABQ_BUILD_QAT=OFF $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	ctest --test-dir $(SANITIZE_BUILD) -j $(JOBS) --output-on-failure -LE slow

bench: build
	bench/part1_sweep $(BUILD)

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
