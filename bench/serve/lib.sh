# The set-up bench/serve/ingest.sh and ingest_soak.sh share; sourced, not run. After
# `ingest_setup BUILD_DIR RECORDS`, the current folder is a fresh temporary one (removed on exit)
# holding the aggregates-only suite, RECORDS production records (records.jsonl) cut into 8 MiB
# bodies (bodies/), and a store whose monitor `monitor-bench` exists; a records:write token is in
# $token, and qualbar serve (one server thread and the writer, pinned to core 0) listens at $url
# (port $port) as process $server. $qb is the qualbar binary; $here this folder. Add a process to
# stop on exit with `ingest_stop_on_exit PID`.

here=$(realpath "$(dirname "${BASH_SOURCE[0]}")")
ingest_pids=()
ingest_stop_on_exit() { ingest_pids+=("$1"); }

ingest_setup() {
  local build=$1 records=$2
  qb=$(realpath "$build/tools/qualbar/qualbar")
  work=$(mktemp -d)
  trap 'kill "${ingest_pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
  cd "$work"
  cp "$here/../monitor/suite-aggregates.yaml" suite.yaml
  cp "$here/../monitor/dataset.jsonl" .
  /usr/bin/python3 "$here/../monitor/gen_records.py" "$records" records.jsonl
  mkdir bodies && split -C 8M -d -a 4 records.jsonl bodies/r-
  "$qb" monitor ingest /dev/null --suite suite.yaml --store s.db > /dev/null
  token=$("$qb" tokens add bench --scope records:write --store s.db | grep -o 'qbt_[A-Za-z0-9_-]*')
  taskset -c 0 "$qb" serve --store s.db --listen 127.0.0.1:0 --threads 1 > serve.out &
  server=$!
  ingest_stop_on_exit "$server"
  for _ in $(seq 100); do grep -q 'listening on' serve.out 2>/dev/null && break; sleep 0.05; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' serve.out | head -1)
  port=${url##*:}
}
