#!/usr/bin/env bash
# Measures qualbar on the HTTP benchmark (bench/http/README.md): N cases (default 20,000), each
# sent by the openai provider to the fast OpenAI-compatible server and scored with one `contains`,
# 64 at a time; once without the store, once with it; then the start-up (1-case run, median of 11).
#
# Usage: bash bench/http/qualbar.sh [PORT]
#   PORT (or $QB_BENCH_PORT): a fast_server.js already listening on 127.0.0.1; without it this
#   script starts its own and stops it on exit.
# Environment:
#   QUALBAR               the binary (default build/release/tools/qualbar/qualbar of this repository)
#   QB_BENCH_QUALBAR_DIR  scratch folder, outside the repository (default /tmp/qb-bench-qualbar):
#                         suites, cases, the store and measurements are written there
#   QB_BENCH_CASES        number of cases (default 20000)
#   QB_BENCH_CONCURRENCY  requests in flight (default 64)
# Installs nothing. Prints a summary and a last line `RESULT tool=qualbar ...` that run.sh reads.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUALBAR=${QUALBAR:-$QB_REPO_DIR/build/release/tools/qualbar/qualbar}
dir=${QB_BENCH_QUALBAR_DIR:-/tmp/qb-bench-qualbar}
n=${QB_BENCH_CASES:-20000}
conc=${QB_BENCH_CONCURRENCY:-64}
port=${1:-${QB_BENCH_PORT:-}}

[ -x "$QUALBAR" ] || die "no qualbar binary at $QUALBAR (build it: ./setup.sh build, or set QUALBAR)"
QUALBAR=$(cd "$(dirname "$QUALBAR")" && pwd -P)/$(basename "$QUALBAR")
check_outside_repo "$dir"
dir=$(cd "$dir" && pwd -P)
out="$dir/out"
mkdir -p "$out"

if [ -z "$port" ]; then
  trap stop_fast_server EXIT
  start_fast_server "$out"
  port=$QB_PORT
fi
[ -n "$(completions "$port")" ] || die "no fast server answering on 127.0.0.1:$port"

# Cases and suites: the benchmark's N cases, and one case for the start-up.
"$QB_PYTHON" "$QB_HTTP_DIR/make_cases.py" "$dir" "$n" > /dev/null
head -n 1 "$dir/cases.jsonl" > "$dir/one.jsonl"
write_suite() {  # write_suite FILE DATASET
  cat > "$1" <<YAML
# Written by bench/http/qualbar.sh
schema_version: 1
name: http-bench
datasets: $2
system:
  provider: openai
  base_url: http://127.0.0.1:$port/v1
  model: fast-model
  api_key_env: QB_BENCH_KEY
  concurrency: $conc
  cache: false
dimensions:
  mentions_days:
    scorer: contains
    args: {value: "5 business days"}
YAML
}
write_suite "$dir/suite.yaml" cases.jsonl
write_suite "$dir/suite1.yaml" one.jsonl
export QB_BENCH_KEY=dummy
unset QUALBAR_STORE QUALBAR_FORMAT

# check_run LABEL EXPECTED_CASES SERVED: the run exited 0, reported every case with no error and
# every case passed the contains check, and the server answered at least that many completions.
check_run() {
  local label=$1 expected=$2 served=$3 verdict
  if [ "$M_RC" != 0 ]; then
    echo "FAILED: qualbar run ($label) exited $M_RC:" >&2
    tail -n 20 "$out/$label.stderr" >&2
    if grep -qi "provider" "$out/$label.stderr"; then
      echo "(does this qualbar build have the openai provider? \`$QUALBAR list providers\`:)" >&2
      "$QUALBAR" list providers >&2 || true
    fi
    exit 1
  fi
  verdict=$("$QB_PYTHON" - "$out/$label.json" "$expected" <<'PY'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print("no readable JSON report (%s)" % e)
    sys.exit(0)
expected = int(sys.argv[2])
s = report["summary"]
dim = next(d for d in report["dimensions"] if d["name"] == "mentions_days")
problems = []
if s["n_cases"] != expected: problems.append("%d cases reported, %d expected" % (s["n_cases"], expected))
if s["n_errors"] != 0: problems.append("%d error cases" % s["n_errors"])
if dim["overall"]["estimate"] != 1.0: problems.append("mentions_days pass rate %s, not 1" % dim["overall"]["estimate"])
print("; ".join(problems) or "ok")
PY
)
  [ "$verdict" = ok ] || die "qualbar run ($label): $verdict"
  [ "$served" -ge "$expected" ] || die "qualbar run ($label): the server answered $served completions, fewer than $expected cases"
}

# report LABEL: one line of figures.
report() {
  local rate cores
  rate=$(calc "$n / $M_WALL")
  cores=$(calc "$M_CPU / $M_WALL")
  printf 'qualbar %-9s %d cases in %.3f s = %.0f cases/s; CPU %.2f s (user+sys) = %.2f cores; peak RSS %.1f MiB; server %s cores\n' \
    "$1:" "$n" "$M_WALL" "$rate" "$M_CPU" "$cores" "$M_RSS_MIB" "$M_SERVER_CORES"
  R_RATE=$rate R_CORES=$cores
}

# 1. Without the store.
before=$(completions "$port")
run_measured nostore "$out" "$QUALBAR" run "$dir/suite.yaml" --no-store -q --out "json=$out/nostore.json"
check_run nostore "$n" $(($(completions "$port") - before))
report no-store
nostore_rate=$R_RATE nostore_cores=$R_CORES nostore_wall=$M_WALL nostore_cpu=$M_CPU nostore_rss=$M_RSS_MIB

# 2. With the store (a fresh SQLite file in the scratch folder).
rm -f "$dir/qualbar.db" "$dir/qualbar.db-wal" "$dir/qualbar.db-shm"
before=$(completions "$port")
run_measured store "$out" "$QUALBAR" run "$dir/suite.yaml" --store "$dir/qualbar.db" -q --out "json=$out/store.json"
check_run store "$n" $(($(completions "$port") - before))
report store
store_rate=$R_RATE store_cores=$R_CORES store_rss=$M_RSS_MIB

# 3. Start-up: wall time of a 1-case run without the store, median of 11.
times=()
for _ in $(seq 11); do
  t0=$(date +%s%N)
  "$QUALBAR" run "$dir/suite1.yaml" --no-store -q || die "the 1-case run exited $?"
  t1=$(date +%s%N)
  times+=("$(( (t1 - t0) / 1000 ))")
done
startup_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p | awk '{ printf "%.1f\n", $1 / 1000 }')
echo "qualbar start-up: 1-case run, median of 11: $startup_ms ms (all, µs: ${times[*]})"

verdicts=()
awk -v r="$nostore_rate" 'BEGIN { exit !(r >= 10000) }' && verdicts+=("throughput ok") || verdicts+=("throughput BELOW 10,000 cases/s")
awk -v c="$nostore_cores" 'BEGIN { exit !(c < 1) }' && verdicts+=("CPU ok") || verdicts+=("CPU share NOT under 1 core")
awk -v s="$startup_ms" 'BEGIN { exit !(s < 50) }' && verdicts+=("start-up ok") || verdicts+=("start-up NOT under 50 ms")
echo "targets (>= 10,000 cases/s, < 1 core, start-up < 50 ms): ${verdicts[*]}"
echo "RESULT tool=qualbar cases=$n wall_s=$nostore_wall cases_per_s=$nostore_rate cpu_s=$nostore_cpu cores=$nostore_cores peak_rss_mib=$nostore_rss store_cases_per_s=$store_rate store_cores=$store_cores store_peak_rss_mib=$store_rss startup_ms=$startup_ms"
