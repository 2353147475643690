#!/usr/bin/env bash
# Times `qualbar monitor ingest` against its targets and two references, in one run, on one
# core. Figures in docs/benchmarks.md ("Monitor ingest"). Usage:
#   bash bench/monitor/run.sh [BUILD_DIR]        (default build/release)
# Environment: RECORDS (default 1000000: about 1 GB), WORK (default /dev/shm/qb-monitor-bench, a
# tmpfs: the files are read from memory and the stores written to memory), CPU (default 0),
# REPEATS (default 3). The generated files are kept in WORK and reused by the next run.
#
# 1. writes RECORDS records of about 1 KB over 26 weeks (big); for the memory check, RECORDS/4
#    records over the same 26 weeks (small: 4x fewer a day) and the first quarter of big (first:
#    the same stream, cut short after 6.5 weeks); RECORDS with one-sentence outputs (short, for
#    where the scorers' time goes);
# 2. times, pinned to one core, best of REPEATS wall times, MB/s = file bytes / seconds / 10^6:
#    Python's json module line by line counting categories, simdjson's bare parse, and
#    `qualbar monitor ingest` into a fresh SQLite store with the aggregates alone and with pii,
#    secrets and refused on every record; peak RSS from /usr/bin/time -v;
# 3. the text scorers alone on the answers (bench/scorers_text_bench.cpp).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
qualbar=$(realpath "$build/tools/qualbar/qualbar")
parse=$(realpath "$build/bench/qualbar_monitor_parse_bench")
text=$(realpath "$build/bench/qualbar_scorers_text_bench")
n=${RECORDS:-1000000}
work=${WORK:-/dev/shm/qb-monitor-bench}
cpu=${CPU:-0}
repeats=${REPEATS:-3}
py=/usr/bin/python3
mkdir -p "$work"
for exe in "$qualbar" "$parse" "$text"; do
  [ -x "$exe" ] || { echo "run.sh: $exe is missing: build first (./setup.sh build)" >&2; exit 2; }
done

big="$work/records-$n.jsonl"
small="$work/records-$((n / 4)).jsonl"
first="$work/records-$n-first$((n / 4)).jsonl"
short="$work/records-$n-short.jsonl"
gen() {  # COUNT FILE [flags]: generated once, then reused
  [ -s "$2" ] || { echo "generating $2"; "$py" "$here/gen_records.py" "$1" "$2.tmp" "${@:3}" && mv "$2.tmp" "$2"; }
}
gen "$n" "$big"
gen $((n / 4)) "$small"
gen "$n" "$short" --short-outputs
[ -s "$first" ] || head -n $((n / 4)) "$big" >"$first"
bytes() { stat -c %s "$1"; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|L3 cache)' | sed 's/  */ /g'
echo "memory: $(free -g | awk '/^Mem/ {print $2}') GiB; load average before:$(uptime | sed 's/.*average://')"
echo "qualbar: $("$qualbar" --version 2>/dev/null || echo '?'); $("$py" --version); taskset -c $cpu"
for f in "$big" "$small" "$first" "$short"; do
  echo "file $(basename "$f"): $(bytes "$f") bytes, $(wc -l <"$f") records, $(($(bytes "$f") / $(wc -l <"$f"))) bytes a record"
done

rows=()
row() { rows+=("$(printf '%-40s %-27s %9s %8s %10s' "$@")"); }

echo
echo "== Python json, line by line, counting by category (best of $repeats)"
py_out=$(taskset -c "$cpu" "$py" "$here/python_baseline.py" "$big" "$repeats")
echo "$py_out"
py_s=$(sed -n 's/.*best of [0-9]*: \([0-9.]*\) s.*/\1/p' <<<"$py_out" | head -1)
row "python json.loads per line + count" "$(basename "$big")" "$(mbs "$(bytes "$big")" "$py_s")" "$py_s" "-"

echo
echo "== simdjson bare parse (Google Benchmark, best of 3)"
simd_out=$(taskset -c "$cpu" "$parse" --records="$big" --benchmark_color=false 2>&1)
grep -E 'simdjson|^best|best ' <<<"$simd_out" | sed 's/^.*best /best /'
for b in lines_from_file lines_in_memory iterate_many dom_parse_many; do
  s=$(sed -n "s/.*best $b: .*(\([0-9.]*\) s for.*/\1/p" <<<"$simd_out")
  row "simdjson $b" "$(basename "$big")" "$(sed -n "s/.*best $b: \([0-9.]*\) MB.*/\1/p" <<<"$simd_out")" "$s" "-"
done

# ingest LABEL SUITE FILE [flags]: best of $repeats wall times, each into a fresh store; the peak
# RSS is the largest of the runs.
ingest() {
  local label=$1 suite=$2 file=$3 best="" rss=0
  shift 3
  for i in $(seq "$repeats"); do
    rm -f "$work"/store.db* "$work/quarantine.jsonl"
    local t0 t1 s r
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$work/time.txt" taskset -c "$cpu" "$qualbar" monitor ingest "$file" \
      --suite "$suite" --store "$work/store.db" --quarantine "$work/quarantine.jsonl" "$@" \
      >"$work/ingest.out" 2>&1 || { cat "$work/ingest.out" "$work/time.txt" >&2; exit 1; }
    t1=$(date +%s%N)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    r=$(awk '/Maximum resident set size/ {print $NF}' "$work/time.txt")
    [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }' && best=$s
    [ "$r" -gt "$rss" ] && rss=$r
    echo "  run $i: $s s, peak RSS $((r / 1024)) MiB"
  done
  [ -s "$work/quarantine.jsonl" ] && echo "  quarantined: $(wc -l <"$work/quarantine.jsonl") lines"
  tail -n 4 "$work/ingest.out" | sed 's/^/  | /'
  row "$label" "$(basename "$file")" "$(mbs "$(bytes "$file")" "$best")" "$best" "$((rss / 1024)) MiB"
}

aggr="$here/suite-aggregates.yaml"
scored="$here/suite-scored.yaml"
echo
echo "== qualbar monitor ingest, aggregates alone (best of $repeats)"
ingest "ingest, aggregates alone" "$aggr" "$big"
echo "== qualbar monitor ingest, pii + secrets + refused on every record"
ingest "ingest, pii + secrets + refused" "$scored" "$big"
echo "== the memory check: the same on 4x fewer records over the same weeks, and on the first quarter"
ingest "ingest, aggregates alone" "$aggr" "$small"
ingest "ingest, pii + secrets + refused" "$scored" "$small"
ingest "ingest, aggregates alone" "$aggr" "$first"
ingest "ingest, pii + secrets + refused" "$scored" "$first"
echo "== where the time goes: the scored suite with --no-score, and one-sentence outputs"
ingest "ingest, scored suite with --no-score" "$scored" "$big" --no-score
ingest "ingest, aggregates alone" "$aggr" "$short"
ingest "ingest, pii + secrets + refused" "$scored" "$short"
echo "== each scorer alone (the first quarter of big)"
for scorer in pii secrets refused; do
  # The scored suite with one scored dimension: written next to the data, the dataset path made
  # absolute.
  sed -e "/^  no_pii\|^  no_secrets\|^  refused/d" -e "s#\[dataset.jsonl\]#[$here/dataset.jsonl]#" \
    -e "s#^dimensions:#dimensions:\n  only: $scorer#" "$scored" >"$work/suite-$scorer.yaml"
  ingest "ingest, $scorer alone" "$work/suite-$scorer.yaml" "$first"
done
echo "== the sample's share: aggregates alone with min_per_window 1, and with almost no sample"
sed -e "s#\[dataset.jsonl\]#[$here/dataset.jsonl]#" -e "s/min_per_window: 30/min_per_window: 1/" \
  "$aggr" >"$work/suite-mpw1.yaml"
sed -e "s/sample_rate: 0.01/sample_rate: 0.00001/" "$work/suite-mpw1.yaml" >"$work/suite-nosample.yaml"
ingest "ingest, aggregates, min_per_window 1" "$work/suite-mpw1.yaml" "$big"
ingest "ingest, aggregates, + sample_rate 1e-5" "$work/suite-nosample.yaml" "$big"
rm -f "$work"/store.db* "$work/quarantine.jsonl" "$work/time.txt" "$work/ingest.out" "$work"/suite-*.yaml

echo
echo "== the text scorers alone, on the answers of the first 100,000 records (Google Benchmark)"
taskset -c "$cpu" "$text" --records="$big" --benchmark_color=false 2>&1 | grep '^BM_'

echo
echo "== summary (one core; MB/s = file bytes / best wall time / 10^6; load average after:$(uptime | sed 's/.*average://'))"
printf '%-40s %-27s %9s %8s %10s\n' "what" "file" "MB/s" "best s" "peak RSS"
printf '%s\n' "${rows[@]}"
echo "targets: aggregates alone >= 500 MB/s; with the safety and refusal scorers >= 200 MB/s;"
echo "         peak RSS independent of the stream's length (small and first against big)"
