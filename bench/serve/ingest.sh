#!/usr/bin/env bash
# Production records into qualbar serve: POST /api/v1/records (JSONL in 8 MiB bodies, the
# aggregates alone: bench/monitor/suite-aggregates.yaml) and POST /v1/traces (OTLP JSON, 1,000
# GenAI spans a body), each over 4 kept-alive connections at once from
# qualbar_ingest_client_bench on core 1 (as a log shipper sends them); the server (one server
# thread and the writer) on core 0. Prints MB/s, spans/s, the server's CPU time and memory per
# phase, and how long a single record takes from POST to being in the monitor's status. The spans
# are sent twice: bodies whose spans start anywhere in 8 weeks (each touches every day's
# aggregates), then bodies in time order as an exporter sends them (gen_otlp.py --in-order).
# Usage: bash bench/serve/ingest.sh [BUILD_DIR] [RECORDS] [SPAN_BODIES]
set -euo pipefail
build=${1:-build/release}
records=${2:-400000}
span_bodies=${3:-100}
client=$(realpath "$build/bench/qualbar_ingest_client_bench")
source "$(dirname "$0")/lib.sh"
ingest_setup "$build" "$records"
/usr/bin/python3 "$here/gen_otlp.py" "$span_bodies" 1000 spans
/usr/bin/python3 "$here/gen_otlp.py" "$span_bodies" 1000 spans-in-order --in-order
rss() { ps -o rss= -p "$server" | tr -d ' '; }
# The server's CPU time so far (user and system), in seconds: what a phase costs whatever the load.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$server/stat"; }

# post PATH TYPE FILE...: every file once over 4 connections (a 429 sent again after its
# Retry-After); prints the seconds from the first request to the last answer.
post() {
  local target=$1 type=$2
  shift 2
  taskset -c 1 "$client" "$port" "$token" "$target" "$type" 4 "$@" | tee -a client.out |
    grep -o 'in [0-9.]* s' | grep -o '[0-9.]*'
}

bytes=$(stat -c %s records.jsonl)
echo "records: $records ($((bytes / 1000000)) MB in $(ls bodies | wc -l) bodies); server RSS $(rss) KiB"
c0=$(cpu)
took=$(post "/api/v1/records?suite=monitor-bench" application/x-ndjson bodies/*)
awk -v b="$bytes" -v t="$took" \
  'BEGIN { printf "POST /api/v1/records: %.1f s, %.0f MB/s\n", t, b / 1e6 / t }'
awk -v b="$bytes" -v c0="$c0" -v c1="$(cpu)" \
  'BEGIN { printf "  server CPU %.2f s: %.0f MB per CPU second\n", c1 - c0, b / 1e6 / (c1 - c0) }'
echo "server RSS after the records: $(rss) KiB"

for spans in spans spans-in-order; do
  c0=$(cpu)
  took=$(post "/v1/traces" application/json $spans/*)
  awk -v n="$((span_bodies * 1000))" -v t="$took" -v what="$spans" \
    'BEGIN { printf "POST /v1/traces (%s): %d spans in %.1f s, %.0f spans/s\n", what, n, t, n / t }'
  awk -v n="$((span_bodies * 1000))" -v c0="$c0" -v c1="$(cpu)" \
    'BEGIN { printf "  server CPU %.2f s: %.0f spans per CPU second\n", c1 - c0, n / (c1 - c0) }'
  echo "server RSS after the spans: $(rss) KiB"
done

# One record: the answer comes once it is stored, so the POST's time is the time to the status.
line='{"id":"latency-probe","ts":"2026-06-02T10:00:00Z","category":"billing","output":"ok"}'
curl -s -o /dev/null -w 'one record, POST to stored: %{time_total} s\n' \
  -H "Authorization: Bearer $token" --data-binary "$line" "$url/api/v1/records?suite=monitor-bench"
