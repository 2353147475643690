#!/usr/bin/env bash
# Measures promptfoo on the HTTP benchmark (bench/http/README.md): N cases (default 20,000), each
# sent to the fast OpenAI-compatible server and checked with one `contains` assertion, 64 at a time.
#
# Usage: bash bench/http/promptfoo.sh [PORT]
#   PORT (or $QB_BENCH_PORT): a fast_server.js already listening on 127.0.0.1; without it this
#   script starts its own and stops it on exit.
# Environment:
#   QB_BENCH_PROMPTFOO_DIR  scratch folder, outside the repository (default /tmp/qb-bench-promptfoo):
#                           promptfoo is npm-installed there (once), and its config, cases, config
#                           dir (PROMPTFOO_CONFIG_DIR), logs and measurements are written there.
#   QB_BENCH_CASES          number of cases (default 20000)
#   QB_BENCH_CONCURRENCY    requests in flight (default 64)
#   QB_BENCH_PROMPTFOO_DEBUG_LOG=1  keep promptfoo's default per-run debug log file (every request
#                           and response, logged with a stack trace for its location): slower, and
#                           with 20,000 cases its logger times out at exit and the summary is lost,
#                           so the pass count cannot be checked. Default: off (PROMPTFOO_DISABLE_DEBUG_LOG).
#   QB_BENCH_PROMPTFOO_WRITE=1  let promptfoo write the eval to its database (in $dir/config),
#                           as it does by default; qualbar's counterpart is its run with the store.
#                           Default: --no-write, the counterpart of qualbar's --no-store.
# Prints a summary and a last line `RESULT tool=promptfoo ...` that bench/http/run.sh reads.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# promptfoo 0.121.20 is the newest release that runs on Node 20 (/usr/bin/node here is v20.20.2;
# 0.122.0 and later require Node >= 22.22 and refuse to start).
PROMPTFOO_VERSION=0.121.20
dir=${QB_BENCH_PROMPTFOO_DIR:-/tmp/qb-bench-promptfoo}
n=${QB_BENCH_CASES:-20000}
conc=${QB_BENCH_CONCURRENCY:-64}
port=${1:-${QB_BENCH_PORT:-}}
no_debug_log=true
[ "${QB_BENCH_PROMPTFOO_DEBUG_LOG:-0}" = 1 ] && no_debug_log=false
write_args=(--no-write)
[ "${QB_BENCH_PROMPTFOO_WRITE:-0}" = 1 ] && write_args=()

check_outside_repo "$dir"
dir=$(cd "$dir" && pwd -P)

# 1. Install promptfoo into the scratch folder, once.
pf="$dir/node_modules/.bin/promptfoo"
installed=$("$QB_NODE" -p "try { require('$dir/node_modules/promptfoo/package.json').version } catch { '' }")
if [ "$installed" != "$PROMPTFOO_VERSION" ]; then
  echo "installing promptfoo@$PROMPTFOO_VERSION into $dir (npm, takes a minute or two)"
  [ -f "$dir/package.json" ] || echo '{"name":"qb-bench-promptfoo","private":true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --save-exact "promptfoo@$PROMPTFOO_VERSION" > "$dir/npm-install.log" 2>&1) ||
    die "npm install failed: see $dir/npm-install.log"
fi
[ -x "$pf" ] || die "no $pf after npm install"

# 2. The server.
if [ -z "$port" ]; then
  trap stop_fast_server EXIT
  start_fast_server "$dir/out"
  port=$QB_PORT
fi
[ -n "$(completions "$port")" ] || die "no fast server answering on 127.0.0.1:$port"

# 3. Cases and config.
"$QB_PYTHON" "$QB_HTTP_DIR/make_cases.py" "$dir/data" "$n" > /dev/null
cat > "$dir/promptfooconfig.yaml" <<YAML
# Written by bench/http/promptfoo.sh
description: qualbar HTTP benchmark ($n cases)
prompts:
  - "{{input}}"
providers:
  - id: openai:chat:fast-model
    config:
      apiBaseUrl: http://127.0.0.1:$port/v1
tests:
  - file://data/promptfoo_tests.jsonl   # each test: vars.input and one contains "5 business days"
evaluateOptions:
  maxConcurrency: $conc
  cache: false
sharing: false
YAML

# 4. Run, under /usr/bin/time -v, with telemetry, update checks, sharing, remote generation, the
# cache, the debug log file and writing the eval to promptfoo's database all off, and promptfoo's
# config dir (instead of ~/.promptfoo), cache and logs in $dir.
mkdir -p "$dir/config" "$dir/cache" "$dir/logs"
rm -f "$dir/config"/promptfoo.db*  # each run starts from an empty database, as qualbar's from an empty store
before=$(completions "$port")
cd "$dir"
run_measured promptfoo "$dir/out" env -u OPENAI_BASE_URL -u OPENAI_API_BASE_URL -u OPENAI_API_HOST \
  OPENAI_API_KEY=dummy \
  PROMPTFOO_DISABLE_TELEMETRY=1 \
  PROMPTFOO_DISABLE_UPDATE=1 \
  PROMPTFOO_DISABLE_SHARING=1 \
  PROMPTFOO_DISABLE_REMOTE_GENERATION=1 \
  PROMPTFOO_CACHE_ENABLED=false \
  PROMPTFOO_CONFIG_DIR="$dir/config" \
  PROMPTFOO_CACHE_PATH="$dir/cache" \
  PROMPTFOO_LOG_DIR="$dir/logs" \
  PROMPTFOO_DISABLE_DEBUG_LOG="$no_debug_log" \
  PROMPTFOO_FETCH_CONNECTIONS="$conc" \
  "$pf" eval -c "$dir/promptfooconfig.yaml" -j "$conc" \
    --no-cache "${write_args[@]}" --no-share --no-table --no-progress-bar
after=$(completions "$port")
served=$((after - before))
log="$dir/out/promptfoo.stdout"
cat "$dir/out/promptfoo.stderr" >> "$log"

# 5. Check that it really ran and passed every case.
# promptfoo's summary reads "✓ 20,000 passed (100%)", "0 failed (0%)", "0 errors (0%)".
count_of() {
  sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n "s/^[^0-9]*\([0-9][0-9,]*\) $1 (.*/\1/p" | tail -n 1 | tr -d ,
}
passes=$(count_of passed)
failures=$(count_of failed)
errors=$(count_of errors)
echo "promptfoo $PROMPTFOO_VERSION: exit $M_RC, passes ${passes:-?}, failures ${failures:-?}, errors ${errors:-?}," \
     "completions served $served (log: $log)"
ok=1
[ "$M_RC" = 0 ] || { echo "FAILED: promptfoo exited $M_RC" >&2; ok=0; }
[ "${passes:-}" = "$n" ] || { echo "FAILED: $n passes expected, got '${passes:-}'" >&2; ok=0; }
[ "$served" -ge "$n" ] || { echo "FAILED: the server answered $served completions, fewer than $n cases" >&2; ok=0; }
[ "$ok" = 1 ] || { tail -n 30 "$log" >&2; exit 1; }

rate=$(calc "$n / $M_WALL")
cores=$(calc "$M_CPU / $M_WALL")
printf 'promptfoo: %d cases in %.2f s = %.0f cases/s; CPU %.2f s (%.2f cores); peak RSS %.1f MiB' \
  "$n" "$M_WALL" "$rate" "$M_CPU" "$cores" "$M_RSS_MIB"
printf ' (largest process %.1f MiB, process tree %.1f MiB, at most %s processes: %s); server %s cores\n' \
  "$M_RSS_SINGLE_MIB" "$M_RSS_TREE_MIB" "$M_PROCS" "$M_NAMES" "$M_SERVER_CORES"
echo "RESULT tool=promptfoo version=$PROMPTFOO_VERSION cases=$n wall_s=$M_WALL cases_per_s=$rate cpu_s=$M_CPU cores=$cores peak_rss_mib=$M_RSS_MIB"
