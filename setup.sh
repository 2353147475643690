#!/usr/bin/env bash
# The one entry point: installs what is missing (Debian 12, apt-get), builds, then
#   ./setup.sh demo   builds the qualbar binary only and runs `qualbar demo`
#   ./setup.sh test   builds everything (tests, benchmarks) and runs every test: what CI runs
#   ./setup.sh build  builds everything
#   ./setup.sh sanitize  builds with AddressSanitizer + UBSan and runs the input and parser tests
set -euo pipefail
cd "$(dirname "$0")"
action=${1:-build}
preset=${PRESET:-release}

case "$action" in
  demo)
    bash scripts/install-deps.sh build
    # Tests and benchmarks are left out of the configuration: their packages may not be installed.
    cmake --preset "$preset" -DQB_BUILD_TESTS=OFF -DQB_BUILD_BENCH=OFF >/dev/null
    cmake --build --preset "$preset" --target qualbar
    exec "build/$preset/tools/qualbar/qualbar" demo
    ;;
  test | build)
    bash scripts/install-deps.sh test
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    if [ "$action" = test ]; then exec ctest --preset "$preset"; fi
    ;;
  sanitize)
    bash scripts/install-deps.sh test
    cmake --preset asan >/dev/null
    cmake --build --preset asan
    exec ctest --preset asan
    ;;
  *) echo "usage: ./setup.sh [demo|test|build|sanitize]" >&2; exit 2 ;;
esac
