# Helpers shared by bench/http/*.sh (sourced, not run).

QB_HTTP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QB_REPO_DIR=$(cd "$QB_HTTP_DIR/../.." && pwd)
QB_PYTHON=${QB_PYTHON:-/usr/bin/python3}
QB_NODE=${QB_NODE:-/usr/bin/node}
# Loopback only, never through a proxy.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Refuses a scratch folder inside the repository: these scripts install and write only outside it.
check_outside_repo() {
  local target=$1 rest=""
  case "$target" in /*) ;; *) target=$PWD/$target ;; esac
  # Resolve the nearest folder that exists (nothing is created before the check).
  while [ ! -d "$target" ]; do
    rest=/$(basename "$target")$rest
    target=$(dirname "$target")
  done
  target=$(cd "$target" && pwd -P)$rest
  case "$target/" in
    "$(cd "$QB_REPO_DIR" && pwd -P)/"*) die "scratch folder $1 is inside the repository; choose one outside it" ;;
  esac
  mkdir -p "$1"
}

# start_fast_server LOGDIR: starts bench/http/fast_server.js on an ephemeral port; sets QB_SERVER_PID
# and QB_PORT. The caller stops it (stop_fast_server) from its EXIT trap.
start_fast_server() {
  local logdir=$1 i
  mkdir -p "$logdir"
  : > "$logdir/server.out"
  "$QB_NODE" "$QB_HTTP_DIR/fast_server.js" 0 > "$logdir/server.out" 2> "$logdir/server.err" &
  QB_SERVER_PID=$!
  for i in $(seq 100); do
    QB_PORT=$(head -n 1 "$logdir/server.out")
    [ -n "$QB_PORT" ] && return 0
    kill -0 "$QB_SERVER_PID" 2>/dev/null || die "fast server exited: $(cat "$logdir/server.err")"
    sleep 0.05
  done
  die "fast server printed no port in 5 s"
}

stop_fast_server() {
  if [ -n "${QB_SERVER_PID:-}" ]; then
    kill "$QB_SERVER_PID" 2>/dev/null || true
    wait "$QB_SERVER_PID" 2>/dev/null || true
    QB_SERVER_PID=
  fi
}

# completions PORT: how many completions the fast server has answered so far.
completions() {
  curl -s --noproxy '*' --max-time 5 "http://127.0.0.1:$1/stats" | sed -n 's/.*"completions":\([0-9]*\).*/\1/p'
}

# time_field FILE LABEL: one field of `/usr/bin/time -v` output, e.g. "Maximum resident set size (kbytes)".
time_field() {
  awk -F': ' -v label="$2" 'index($0, label) { print $NF; exit }' "$1"
}

# wall_seconds FILE: the "Elapsed (wall clock) time" of `/usr/bin/time -v` (h:mm:ss or m:ss.ss) in seconds.
wall_seconds() {
  time_field "$1" "Elapsed (wall clock) time" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f\n", s }'
}

# proc_cpu_s PID: user+sys CPU seconds a process has used so far ("" when unknown).
proc_cpu_s() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 0
  sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / hz }'
}

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%.6g\\n\", $1 }"; }

# run_measured LABEL OUTDIR CMD...: runs CMD under `/usr/bin/time -v` while tree_rss.py samples the
# summed RSS of its process tree. Sets M_RC, M_WALL (s, measured with date), M_CPU (user+sys s),
# M_RSS_SINGLE_MIB (the largest single process, from time), M_RSS_TREE_MIB (sampled sum),
# M_RSS_MIB (the larger of the two), M_PROCS (most processes seen at once), M_NAMES, and
# M_SERVER_CORES: the fast server's CPU over the run's wall time, when its pid is known
# (QB_SERVER_PID, or QB_BENCH_SERVER_PID from run.sh), else "?".
run_measured() {
  local label=$1 out=$2 tpid spid t0 t1 server_pid s0 s1
  shift 2
  server_pid=${QB_SERVER_PID:-${QB_BENCH_SERVER_PID:-}}
  s0=$(proc_cpu_s "$server_pid")
  [ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
  mkdir -p "$out"
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$out/$label.time" "$@" > "$out/$label.stdout" 2> "$out/$label.stderr" &
  tpid=$!
  "$QB_PYTHON" "$QB_HTTP_DIR/tree_rss.py" "$tpid" "$out/$label.tree" "${QB_RSS_INTERVAL:-0.05}" &
  spid=$!
  M_RC=0
  wait "$tpid" || M_RC=$?
  t1=$(date +%s%N)
  s1=$(proc_cpu_s "$server_pid")
  wait "$spid" || true
  M_WALL=$(calc "($t1 - $t0) / 1e9")
  M_SERVER_CORES="?"
  [ -n "$s0" ] && [ -n "$s1" ] && M_SERVER_CORES=$(awk -v a="$s0" -v b="$s1" -v w="$M_WALL" 'BEGIN { printf "%.2f\n", (b - a) / w }')
  M_CPU=$(calc "$(time_field "$out/$label.time" "User time (seconds)") + $(time_field "$out/$label.time" "System time (seconds)")")
  M_RSS_SINGLE_MIB=$(calc "$(time_field "$out/$label.time" "Maximum resident set size (kbytes)") / 1024")
  local tree
  tree=$(cat "$out/$label.tree")
  M_RSS_TREE_MIB=$(calc "$(echo "$tree" | sed -n 's/.*peak_kib=\([0-9]*\).*/\1/p') / 1024")
  M_PROCS=$(echo "$tree" | sed -n 's/.*max_procs=\([0-9]*\).*/\1/p')
  M_NAMES=$(echo "$tree" | sed -n 's/.*names=\([^ ]*\).*/\1/p')
  M_RSS_MIB=$(awk -v a="$M_RSS_SINGLE_MIB" -v b="$M_RSS_TREE_MIB" 'BEGIN { printf "%.1f\n", (a > b ? a : b) }')
}
