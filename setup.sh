#!/usr/bin/env bash
# The one entry point: installs what is missing (Debian 12, apt-get), builds, then
#   ./setup.sh demo   builds the qualbar binary only and runs `qualbar demo`
#   ./setup.sh test   runs the input and parser tests under AddressSanitizer + UBSan, then builds
#                     everything (tests, benchmarks) and runs every test: what CI runs
#   ./setup.sh build  builds everything
#   ./setup.sh sanitize  builds with AddressSanitizer + UBSan and runs the input and parser tests
set -euo pipefail
cd "$(dirname "$0")"
action=${1:-build}
preset=${PRESET:-release}

# The input and parser tests built with AddressSanitizer and UBSan (preset asan), and run.
# One && chain: `set -e` does not apply inside a function called as `sanitize || ...`, so a failed
# build must not go on to run the tests of an earlier one.
sanitize() {
  cmake --preset asan >/dev/null && cmake --build --preset asan && ctest --preset asan
}

case "$action" in
  demo)
    bash scripts/install-deps.sh build
    # Tests and benchmarks are left out of the configuration: their packages may not be installed.
    cmake --preset "$preset" -DQB_BUILD_TESTS=OFF -DQB_BUILD_BENCH=OFF >/dev/null
    cmake --build --preset "$preset" --target qualbar
    exec "build/$preset/tools/qualbar/qualbar" demo
    ;;
  test)
    bash scripts/install-deps.sh test
    # The sanitizer tests first (the smaller build), then everything; a failure in the first still
    # lets the second run, and the exit code is not 0 if either failed.
    failed=0
    sanitize || failed=1
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" || failed=1
    exit "$failed"
    ;;
  build)
    bash scripts/install-deps.sh test
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    ;;
  sanitize)
    bash scripts/install-deps.sh test
    sanitize
    ;;
  *) echo "usage: ./setup.sh [demo|test|build|sanitize]" >&2; exit 2 ;;
esac
