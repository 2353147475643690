#!/usr/bin/env bash
# The served pages of a million-case run: p50 and p95 of the run page, the first page of cases
# (API and explorer), a failing-cases page, a text search, and an export's first bytes; then the
# summary under wrk -c200 for MINUTES with the server's RSS sampled every 30 s (memory flat?).
#   bash bench/serve/pages.sh [BUILD_DIR] [STORE_WORK_DIR] [MINUTES]
# STORE_WORK_DIR is where bench/store/run.sh left its million-case store (s.db); run that first.
set -euo pipefail
build=$(realpath "${1:-build/release}")
work=${2:-/dev/shm/qb-store-bench}
minutes=${3:-10}
qb="$build/tools/qualbar/qualbar"
cd "$work"
[ -f s.db ] || { echo "no store in $work: run bash bench/store/run.sh first" >&2; exit 2; }
token=$("$qb" tokens add "pages-bench-$$" --scope read --store s.db | grep -o 'qbt_[A-Za-z0-9_-]*')
"$qb" serve --store s.db --listen 127.0.0.1:0 > serve.out &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 200); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' serve.out | head -1)
auth="Authorization: Bearer $token"
run=$(curl -s -H "$auth" "$url/api/v1/runs?limit=1" | grep -o '"id":"r-[^"]*"' | head -1 | cut -d'"' -f4)
dim=$(curl -s -H "$auth" "$url/api/v1/runs/$run/summary" | grep -o '"dimension":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$dim" ] || dim=correct
echo "run $run ($(curl -s -H "$auth" "$url/api/v1/runs?limit=1" | grep -o '"n_cases":[0-9]*')), failing dimension $dim"
# N requests one after another (a person clicking, not a load): p50 and p95 of the total time.
timed() {
  local name=$1 path=$2 n=${3:-50}
  curl -s -o /dev/null -H "$auth" "$url$path"  # the first: the thread's cache and SQLite's pages
  for _ in $(seq "$n"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" "$url$path"
  done | sort -n | awk -v name="$name" '{t[NR]=$1} END {
    printf "%-44s p50 %6.1f ms  p95 %6.1f ms  (n=%d)\n", name, 1000*t[int(NR*0.5+0.5)], 1000*t[int(NR*0.95+0.5)], NR}'
}
timed "run page /runs/RUN" "/runs/$run"
timed "first 50 cases (API)" "/api/v1/runs/$run/cases?limit=50"
timed "first 50 cases (explorer page)" "/runs/$run/cases"
timed "50 failing $dim (API)" "/api/v1/runs/$run/cases?failing=$dim&limit=50"
timed "50 failing $dim (explorer page)" "/runs/$run/cases?failing=$dim"
timed "text search 'refund' (API)" "/api/v1/runs/$run/cases?q=refund&limit=50"
timed "text search 'refund' (explorer page)" "/runs/$run/cases?q=refund"
timed "summary (API)" "/api/v1/runs/$run/summary"
echo
echo "wrk -t1 -c200 on /api/v1/runs/RUN/summary for $minutes min; server RSS every 30 s (KiB):"
wrk -t1 -c200 -d"${minutes}m" -H "$auth" "$url/api/v1/runs/$run/summary" > wrk.out &
load=$!
while kill -0 "$load" 2>/dev/null; do
  printf '%s ' "$(ps -o rss= -p "$server" | tr -d ' ')"
  sleep 30
done
echo
grep -E 'Requests/sec|Latency ' wrk.out
