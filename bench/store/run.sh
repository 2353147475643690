#!/usr/bin/env bash
# A stored million-case run against the same run unstored, then what the served pages ask of it
# (docs/benchmarks.md, "The stored run").
#   [REST=SECONDS] bash bench/store/run.sh [BUILD_DIR] [WORK_DIR] [PAIRS]
# WORK_DIR defaults to /dev/shm/qb-store-bench (tmpfs: the disk is not what is measured). Each
# of PAIRS (default 11) pairs runs `--no-store` and then the stored run on the same files
# (bench/paired.sh: the stored run is A, the unstored B), twice: taken in turn with a rest of REST
# seconds (default 6) before each run, so that each starts with the machine's memory in the same
# state, and then each command after itself (docs/benchmarks.md, "Memory the last run freed").
set -euo pipefail
build=$(realpath "${1:-build/release}")
work=${2:-/dev/shm/qb-store-bench}
pairs=${3:-11}
qualbar="$build/tools/qualbar/qualbar"
here=$(dirname "$(realpath "$0")")
mkdir -p "$work"
cd "$work"
[ -f cases.jsonl ] || "$build/bench/qualbar_bench" --write-data .
# A second version of the answers (every 7th answer replaced): a comparison with changed cases.
[ -f responses-b.jsonl ] || /usr/bin/python3 - <<'PY'
import json
with open("responses.jsonl") as src, open("responses-b.jsonl", "w") as out:
    for i, line in enumerate(src):
        if i % 7 == 3:
            r = json.loads(line)
            r["output"] = "I am not sure, please contact support."
            line = json.dumps(r, separators=(",", ":")) + "\n"
        out.write(line)
PY
input=$(( $(stat -c %s cases.jsonl) + $(stat -c %s responses.jsonl) ))
echo "input: cases.jsonl + responses.jsonl = $input bytes"
# A: the stored run (into a new store each time); B: the same run unstored.
stored="exec '$qualbar' run suite.yaml --store s.db -q"
unstored="exec '$qualbar' run suite.yaml --no-store -q"
echo "taken in turn, each run after a rest of ${REST:-6} s:"
bash "$here/../paired.sh" -n "$pairs" -r "${REST:-6}" -p "rm -f s.db s.db-wal s.db-shm" \
  "$stored" "$unstored"
echo
echo "each command after itself:"
bash "$here/../paired.sh" -s -n "$pairs" -p "rm -f s.db s.db-wal s.db-shm" "$stored" "$unstored"
echo
echo "store file after one run: $(stat -c %s s.db) bytes ($(( 100 * $(stat -c %s s.db) / input ))% of the input)"
echo "what each part takes (SQLite's dbstat):"
/usr/bin/python3 - <<'PY'
import sqlite3
db = sqlite3.connect("file:s.db?mode=ro", uri=True)
rows = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
for name, size in rows:
    if size > 1 << 20:
        print(f"  {name:28s} {size / 1e6:8.1f} MB")
PY
# A second run of the same dataset into the store (other answers): it shares the first run's case
# blocks, so it writes only its answers and scores.
before=$(stat -c %s s.db)
/usr/bin/time -o t.txt -f "%e %M" "$qualbar" run suite.yaml --store s.db \
  --responses responses-b.jsonl -q 2>/dev/null || true
read -r w m < <(tail -n 1 t.txt)  # the run misses a bar: time's first line says so
echo "a second run of the same dataset into the store: $w s, peak RSS $m KB;" \
  "the store grew by $(( $(stat -c %s s.db) - before )) bytes"
ids=$("$qualbar" runs --store s.db -n 2 --json | /usr/bin/python3 -c \
  'import json,sys; r=json.load(sys.stdin); print(r[1]["id"], r[0]["id"])')
echo
"$build/bench/qualbar_store_bench" s.db $ids
echo
echo "store file with both runs and the second run's text index: $(stat -c %s s.db) bytes"
/usr/bin/python3 - <<'PY'
import sqlite3
db = sqlite3.connect("file:s.db?mode=ro", uri=True)
size = db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'run_text%'").fetchone()[0]
print(f"  the text index of one run: {size / 1e6:.1f} MB")
PY
