#!/usr/bin/env bash
# qualbar serve under load: GET /api/v1/runs/RUN/summary from wrk (Debian's wrk: apt-get install
# wrk) with 200 connections on core 1, the server with one thread on core 0, over the demo's
# store; each request carries a read token, checked against the store as every request is.
# Usage: bash bench/serve/run.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-10}
qb=$(realpath "$build/tools/qualbar/qualbar")
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$qb" demo --store s.db > /dev/null
token=$("$qb" tokens add bench --scope read --store s.db | grep -o 'qbt_[A-Za-z0-9_-]*')
taskset -c 0 "$qb" serve --store s.db --listen 127.0.0.1:0 --threads 1 > serve.out &
server=$!
for _ in $(seq 100); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' serve.out | head -1)
run=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/runs" | grep -o '"id":"r-[^"]*"' |
  head -1 | cut -d'"' -f4)
taskset -c 1 wrk -t1 -c200 -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
  "$url/api/v1/runs/$run/summary"
echo "server RSS after the load: $(ps -o rss= -p "$server") KiB"
