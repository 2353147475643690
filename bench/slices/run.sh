#!/usr/bin/env bash
# Memory and time of a run, and of a monitor ingest, whose slice key has a million distinct
# values, against the same with four: the long tail is folded into "(other)"
# (limits.max_slice_values), so the two should cost about the same. Figures in
# docs/benchmarks.md ("Slices with a million values").
#   bash bench/slices/run.sh [BUILD_DIR]      (default build/release)
# Environment: CASES (default 1000000), WORK (default /dev/shm/qb-slices-bench), CPU (default 0).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
qualbar=$(realpath "$build/tools/qualbar/qualbar")
n=${CASES:-1000000}
work=${WORK:-/dev/shm/qb-slices-bench}
cpu=${CPU:-0}
for values in 4 "$n"; do
  dir="$work/v$values"
  [ -s "$dir/cases.jsonl" ] || /usr/bin/python3 "$here/gen.py" "$n" "$values" "$dir"
  (
    cd "$dir"
    rm -f report.json report.html
    /usr/bin/time -v taskset -c "$cpu" "$qualbar" run suite.yaml --no-store --quiet \
      --out json=report.json --out html=report.html 2>time.txt || true
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' time.txt)
    wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' time.txt)
    printf '%-12s cases %-8s peak RSS %6s MiB  wall %8s  report.json %7s KB  report.html %7s KB\n' \
      "values=$values" "$n" "$rss" "$wall" "$(($(stat -c %s report.json) / 1024))" \
      "$(($(stat -c %s report.html) / 1024))"
    rm -rf ingest.db*
    /usr/bin/time -v taskset -c "$cpu" "$qualbar" monitor ingest records.jsonl --suite suite.yaml \
      --store ingest.db --no-score >/dev/null 2>ingest-time.txt || true
    rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2 / 1024}' ingest-time.txt)
    wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' ingest-time.txt)
    samples=$(/usr/bin/python3 -c "import sqlite3; print(sqlite3.connect('ingest.db').execute('SELECT COUNT(*) FROM monitor_samples').fetchone()[0])")
    printf '%-12s ingest %-7s peak RSS %6s MiB  wall %8s  records kept whole %s\n' \
      "values=$values" "$n" "$rss" "$wall" "$samples"
  )
done
