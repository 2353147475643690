# Thin entry point. `make demo` and `make test` each install what is missing, build, and run.
PRESET ?= release
BUILD_DIR := build/$(PRESET)

.PHONY: deps build demo test bench asan format clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

demo: build
	@$(BUILD_DIR)/tools/qualbar/qualbar demo

test: build
	@ctest --preset $(PRESET)

bench: build
	@bash bench/run.sh $(BUILD_DIR)

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
