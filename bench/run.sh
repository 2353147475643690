#!/usr/bin/env bash
# Reproduces the figures in docs/benchmarks.md. Usage: bash bench/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build/release}
qualbar="$build/tools/qualbar/qualbar"
bench="$build/bench/qualbar_bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== In-memory scoring + aggregation, and JSONL parsing (Google Benchmark, one core)"
taskset -c 0 "$bench" --benchmark_counters_tabular=true

echo
echo "== qualbar run on 1,000,000 replayed cases (files on disk, --no-store), one core"
"$bench" --write-data "$work/big"
/usr/bin/time -f "wall %e s, peak RSS %M KB" taskset -c 0 "$qualbar" run "$work/big/suite.yaml" --no-store -q || true

echo
echo "== qualbar run of the 200-case demo, end to end with the store (mean of 20 runs)"
(cd "$work" && "$OLDPWD/$qualbar" demo --dir demo --store demo.db >/dev/null)
start=$(date +%s%N)
for _ in $(seq 20); do
  "$qualbar" run "$work/demo/suite.yaml" --store "$work/demo.db" -q || true
done
end=$(date +%s%N)
echo "mean wall: $(( (end - start) / 20 / 1000000 )) ms per run"

echo
echo "== Statistics module (Google Benchmark)"
if [ -x "$build/bench/qualbar_stats_bench" ]; then
  "$build/bench/qualbar_stats_bench" --benchmark_counters_tabular=true
fi

echo
echo "== The same statistics in NumPy / SciPy / scikit-learn on this machine (Debian's python3)"
if /usr/bin/python3 -c "import numpy, scipy, sklearn, statsmodels" 2>/dev/null; then
  for script in bench/compare_*.py; do
    echo "-- $script"
    /usr/bin/python3 "$script"
  done
else
  echo "(skipped: install python3-numpy python3-scipy python3-sklearn python3-statsmodels)"
fi
