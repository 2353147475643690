#!/usr/bin/env bash
# Times two commands against each other in pairs taken in turn (B, A, B, A, ...), so that a
# machine whose speed drifts during the call moves both alike, and prints each run and the
# medians: wall, user and system seconds and peak RSS (GNU time), and A's wall ÷ B's pair by pair.
#   bash bench/paired.sh [-n PAIRS] [-w WARMUP] [-p PREPARE_A] [-s] [-r SECONDS] 'COMMAND_A' 'COMMAND_B'
# Each command is run by `sh -c` (so it may hold a `;` or a redirection); its output is
# discarded. PREPARE_A runs before each run of A, untimed (removing what the last run wrote).
# WARMUP pairs (default 1) run first and are not counted. With -s the runs are not taken in
# turn: every run of B, then every run of A (each command after itself), paired in that order.
# With -r every timed run waits SECONDS first, so each starts with the machine's memory in the same
# state: on a VM that hands freed memory back to its host (virtio-balloon free page reporting,
# about two seconds after it is freed), a run started at once reuses memory the last run freed
# while it is still backed, and one that needs more than that memory pays for the rest to be
# backed again (docs/benchmarks.md, "Memory the last run freed").
set -euo pipefail
usage="usage: bash bench/paired.sh [-n PAIRS] [-w WARMUP] [-p PREPARE_A] [-s] [-r SECONDS] 'COMMAND_A' 'COMMAND_B'"
pairs=5 warmup=1 prepare=true in_turn=1 rest=0
while getopts "n:w:p:sr:" opt; do
  case $opt in
    n) pairs=$OPTARG ;;
    w) warmup=$OPTARG ;;
    p) prepare=$OPTARG ;;
    s) in_turn=0 ;;
    r) rest=$OPTARG ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
a=$1 b=$2
times=$(mktemp)
trap 'rm -f "$times" "$times.run"' EXIT
run() {  # run LABEL COMMAND: appends "LABEL wall user sys peak_kb" to $times
  sleep "$rest"
  /usr/bin/time -o "$times.run" -f "%e %U %S %M" sh -c "$2" >/dev/null 2>&1 || true
  echo "$1 $(tail -n 1 "$times.run")" >>"$times"
}
warm() { sh -c "$1" >/dev/null 2>&1 || true; }  # a warm-up run: not timed
printf '%-5s %-3s %9s %9s %9s %14s\n' run cmd "wall (s)" "user (s)" "sys (s)" "peak RSS (KB)"
show() { tail -n 1 "$times" | while read -r who w u s m; do
  printf '%-5s %-3s %9s %9s %9s %14s\n' "$1" "$who" "$w" "$u" "$s" "$m"; done; }
if [ "$in_turn" = 1 ]; then
  for _ in $(seq "$warmup"); do warm "$b"; sh -c "$prepare"; warm "$a"; done
  for p in $(seq "$pairs"); do
    run B "$b"; show "$p"
    sh -c "$prepare"; run A "$a"; show "$p"
  done
else
  for _ in $(seq "$warmup"); do warm "$b"; done
  for p in $(seq "$pairs"); do run B "$b"; show "$p"; done
  for _ in $(seq "$warmup"); do sh -c "$prepare"; warm "$a"; done
  for p in $(seq "$pairs"); do sh -c "$prepare"; run A "$a"; show "$p"; done
fi
awk '
  function median(list, n,   i, j, t, v) {
    for (i = 1; i <= n; ++i) v[i] = list[i]
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && v[j - 1] > v[j]; --j) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  $1 == "B" { ++nb; bw[nb] = $2; bu[nb] = $3; bs[nb] = $4; bm[nb] = $5 }
  $1 == "A" {
    ++na; aw[na] = $2; au[na] = $3; as[na] = $4; am[na] = $5; r[na] = $2 / bw[na]
    c[na] = bu[na] + bs[na] > 0 ? ($3 + $4) / (bu[na] + bs[na]) : 0; m[na] = $5 / bm[na]
  }
  END {
    lo = hi = r[1]
    for (i = 2; i <= na; ++i) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
    printf "medians of %d pairs:\n", na
    printf "  A: wall %.2f s, user %.2f s, sys %.2f s, peak %.0f MiB\n", median(aw, na), median(au, na), median(as, na), median(am, na) / 1024
    printf "  B: wall %.2f s, user %.2f s, sys %.2f s, peak %.0f MiB\n", median(bw, nb), median(bu, nb), median(bs, nb), median(bm, nb) / 1024
    printf "  A ÷ B wall, pair by pair: median %.2fx (%.2f-%.2fx)\n", median(r, na), lo, hi
    printf "  A ÷ B CPU (user + sys): median %.2fx; peak RSS: median %.2fx\n", median(c, na), median(m, na)
  }' "$times"
