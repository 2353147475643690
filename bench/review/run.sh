#!/usr/bin/env bash
# Review queues at scale (docs/benchmarks.md, "Review queues"): a queue of every answer of the
# stored million-case run of bench/store/run.sh (two reviewers per item: 1,000,000 items, 2,000,000
# grades to give), then REVIEWERS reviewers grading it at once through qualbar serve's API, each
# with a session of their own, for SECONDS: the round trip of the next item and its grade. Run
# twice: reviewers who read each item for about THINK_MS first (1 s: faster than any person), and
# reviewers who grade as fast as the server answers (the server's capacity).
#   bash bench/review/run.sh [BUILD_DIR] [REVIEWERS] [SECONDS] [THINK_MS]
# With PAIRWISE=1, a second run of the same million cases (responses-b.jsonl) is stored first and
# the queue is pairwise: the two runs' answers to every case, each pair to two reviewers.
# Needs the million-case store of `bash bench/store/run.sh BUILD_DIR` (/dev/shm/qb-store-bench).
set -euo pipefail
build=$(realpath "${1:-build/release}")
reviewers=${2:-50}
seconds=${3:-30}
think=${4:-1000}
qb="$build/tools/qualbar/qualbar"
src=/dev/shm/qb-store-bench
[ -f "$src/s.db" ] || { echo "run bash bench/store/run.sh $build first" >&2; exit 2; }
work=$(mktemp -d /dev/shm/qb-review-bench.XXXX)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$src/s.db" "$work/s.db"
runs=(--run latest)
if [ "${PAIRWISE:-0}" = 1 ]; then
  (cd "$src" && "$qb" run suite.yaml --store "$work/s.db" --responses responses-b.jsonl -q) || true
  runs=(--run latest --run latest~1)
fi
cd "$work"
start=$(date +%s.%N)
/usr/bin/time -o create.time -f "%M" "$qb" review queue create --store s.db "${runs[@]}" \
  --dimension exact --sample 0 --per-item 2 --name "Million" | tee create.out | head -1
end=$(date +%s.%N)
echo "queue created with a peak of $(( $(cat create.time) / 1024 )) MiB"
awk -v s="$start" -v e="$end" 'BEGIN { printf "queue created in %.1f s\n", e - s }'
queue=$(grep -o 'q-[0-9a-f]\{10\}' create.out | head -1)
"$qb" serve --store s.db --listen 127.0.0.1:0 > serve.out 2>&1 &
server=$!
for _ in $(seq 200); do grep -q 'http://127.0.0.1:' serve.out 2>/dev/null && break; sleep 0.05; done
port=$(grep -o 'http://127.0.0.1:[0-9]*' serve.out | head -1 | sed 's/.*://')
for pause in "$think" 0; do
  # Sign-in links work once: new reviewers for each pass.
  for i in $(seq "$reviewers"); do
    "$qb" users add "rev-$pause-$i" --role reviewer --store s.db | grep -o 'http://[^ ]*/signin/[^ ]*'
  done > links.txt
  "$build/bench/qualbar_review_queue_bench" "$port" "$queue" exact links.txt "$seconds" "$pause"
done
echo "server RSS at the end: $(ps -o rss= -p "$server" | tr -d ' ') KiB"
