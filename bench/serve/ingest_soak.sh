#!/usr/bin/env bash
# Production records into qualbar serve for a long while: POST /api/v1/records (JSONL in 8 MiB
# bodies, the aggregates alone) from 4 curl processes at once on core 1, the server on core 0, as
# bench/serve/ingest.sh does, for SECONDS (10 minutes by default). Every pass sends the same
# records under new ids (p-… becomes pN-…), so each record is counted, none is a duplicate. Prints
# the server's memory every 30 s (RSS, and the part of it that is not a mapped file), then the
# records and bytes posted.
# Usage: bash bench/serve/ingest_soak.sh [BUILD_DIR] [SECONDS] [RECORDS]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-600}
records=${3:-100000}
source "$(dirname "$0")/lib.sh"
ingest_setup "$build" "$records"
memory() {
  awk '/^VmRSS/ { rss = $2 } /^RssAnon/ { anon = $2 } END { printf "RSS %d KiB (anonymous %d KiB)", rss, anon }' \
    "/proc/$server/status"
}

start=$(date +%s)
echo "0 s: $(memory)"
(
  while sleep 30; do echo "$(($(date +%s) - start)) s: $(memory)"; done
) &
sampler=$!
ingest_stop_on_exit "$sampler"

# Each body of pass N with its ids renamed, 4 at a time; a 429 is retried after its Retry-After.
pass=0
bytes_per_pass=$(stat -c %s records.jsonl)
while (($(date +%s) - start < seconds)); do
  pass=$((pass + 1))
  printf '%s\n' bodies/* | taskset -c 1 xargs -P 4 -I{} sh -c '
    while :; do
      code=$(sed "s/\"id\":\"p-/\"id\":\"p'"$pass"'-/" {} |
        curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer '"$token"'" \
          -H "Content-Type: application/x-ndjson" --data-binary @- \
          "'"$url"'/api/v1/records?suite=monitor-bench")
      [ "$code" = 429 ] && { sleep 1; continue; }
      [ "$code" = 200 ] || echo "HTTP $code for {}" >&2
      break
    done'
done
end=$(date +%s)
kill "$sampler"
echo "$((end - start)) s: $(memory)"
awk -v p="$pass" -v r="$records" -v b="$bytes_per_pass" -v s="$((end - start))" \
  'BEGIN { printf "%d passes: %d records, %.0f MB in %d s (%.0f MB/s)\n", p, p * r, p * b / 1e6, s, p * b / 1e6 / s }'
