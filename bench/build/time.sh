#!/usr/bin/env bash
# Times `./setup.sh demo` and `./setup.sh test` from a clean clone with a cold compiler cache, for
# each commit given (default HEAD): the build-time figures of docs/benchmarks.md. Packages must
# already be installed (run ./setup.sh test once), so apt-get is not timed.
# Usage: bash bench/build/time.sh [COMMIT...]
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-$(mktemp -d)}
export CCACHE_DISABLE=1  # cold: nothing from an earlier build is reused
for commit in "${@:-HEAD}"; do
  id=$(git -C "$repo" rev-parse --short "$commit")
  for action in demo test; do
    rm -rf "$work/clone"
    git clone -q "$repo" "$work/clone" && git -C "$work/clone" checkout -q "$id"
    start=$(date +%s)
    (cd "$work/clone" && ./setup.sh "$action" >"$work/$id-$action.log" 2>&1)
    rc=$?
    echo "$id ./setup.sh $action: $(($(date +%s) - start)) s (exit $rc; log $work/$id-$action.log)"
  done
done
rm -rf "$work/clone"
