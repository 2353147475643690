#!/usr/bin/env bash
# The HTTP benchmark (bench/http/README.md): starts one fast OpenAI-compatible server, measures
# qualbar (bench/http/qualbar.sh) and promptfoo (bench/http/promptfoo.sh) against it on the same
# 20,000 cases, and prints a table with the two ratios.
#
# Usage: bash bench/http/run.sh        (environment: see qualbar.sh and promptfoo.sh)
# Installs promptfoo (npm) into /tmp/qb-bench-promptfoo on the first run; nothing in the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

logs=$(mktemp -d /tmp/qb-bench-http.XXXXXX)
cleanup() {
  stop_fast_server
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fast_server "$logs"
export QB_BENCH_SERVER_PID=$QB_SERVER_PID
echo "fast server: pid $QB_SERVER_PID, http://127.0.0.1:$QB_PORT/v1"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "== qualbar"
qb_rc=0
bash "$here/qualbar.sh" "$QB_PORT" 2>&1 | tee "$logs/qualbar.log" || qb_rc=$?
echo
echo "== promptfoo"
pf_rc=0
bash "$here/promptfoo.sh" "$QB_PORT" 2>&1 | tee "$logs/promptfoo.log" || pf_rc=$?

# field LOG NAME: NAME=value from the RESULT line of a log.
field() { sed -n "s/^RESULT .* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1; }

qb_rate=$(field "$logs/qualbar.log" cases_per_s)
qb_cores=$(field "$logs/qualbar.log" cores)
qb_rss=$(field "$logs/qualbar.log" peak_rss_mib)
qbs_rate=$(field "$logs/qualbar.log" store_cases_per_s)
qbs_cores=$(field "$logs/qualbar.log" store_cores)
qbs_rss=$(field "$logs/qualbar.log" store_peak_rss_mib)
startup=$(field "$logs/qualbar.log" startup_ms)
pf_rate=$(field "$logs/promptfoo.log" cases_per_s)
pf_cores=$(field "$logs/promptfoo.log" cores)
pf_rss=$(field "$logs/promptfoo.log" peak_rss_mib)
pf_version=$(field "$logs/promptfoo.log" version)

echo
echo "== Summary (${QB_BENCH_CASES:-20000} cases, ${QB_BENCH_CONCURRENCY:-64} connections, one contains check each)"
row() { awk -v t="$1" -v r="$2" -v c="$3" -v m="$4" 'BEGIN {
  if (r == "") { printf "%-34s %10s %10s %14s\n", t, "n/a", "n/a", "n/a"; exit }
  printf "%-34s %10.0f %10.2f %14.1f\n", t, r, c, m }'; }
printf '%-34s %10s %10s %14s\n' tool cases/s "CPU cores" "peak RSS MiB"
row "qualbar (--no-store)" "$qb_rate" "$qb_cores" "$qb_rss"
row "qualbar (with the store)" "$qbs_rate" "$qbs_cores" "$qbs_rss"
row "promptfoo ${pf_version:-} (--no-write)" "$pf_rate" "$pf_cores" "$pf_rss"
[ -n "$startup" ] && echo "qualbar start-up (1-case run, median of 11): $startup ms (target < 50 ms)"
if [ -n "$qb_rate" ] && [ -n "$pf_rate" ]; then
  awk -v a="$qb_rate" -v b="$pf_rate" -v ma="$qb_rss" -v mb="$pf_rss" 'BEGIN {
    printf "throughput ratio qualbar/promptfoo: %.1fx (goal >= 25x)\n", a / b
    printf "memory ratio promptfoo/qualbar:     %.1fx (goal >= 5x)\n", mb / ma }'
else
  echo "ratios: n/a (qualbar.sh exited $qb_rc, promptfoo.sh exited $pf_rc)"
fi
[ "$qb_rc" = 0 ] && [ "$pf_rc" = 0 ]
