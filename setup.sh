#!/usr/bin/env bash
# The one entry point: installs what is missing (Debian 12, apt-get), builds, then
#   ./setup.sh demo   runs `qualbar demo`
#   ./setup.sh test   runs every test
#   ./setup.sh build  only builds
# PRESET=asan ./setup.sh test runs the fast tests under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")"
action=${1:-build}
preset=${PRESET:-release}

bash scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

case "$action" in
  demo) exec "build/$preset/tools/qualbar/qualbar" demo ;;
  test) exec ctest --preset "$preset" ;;
  build) ;;
  *) echo "usage: ./setup.sh [demo|test|build]" >&2; exit 2 ;;
esac
