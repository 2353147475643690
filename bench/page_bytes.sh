#!/usr/bin/env bash
# The memory the kernel gave a command, in MB: every page it allocated while the command ran
# (perf's kmem:mm_page_alloc tracepoint, 4 KiB << order each), the memory the command first
# touched. On this virtual machine a fresh page costs more than most of the work done in it, and
# unlike the wall time this count hardly moves from run to run (docs/benchmarks.md).
#   bash bench/page_bytes.sh COMMAND [ARGS...]      (needs perf and the right to trace: root)
set -euo pipefail
data=$(mktemp)
trap 'rm -f "$data"' EXIT
perf record -q -e kmem:mm_page_alloc -o "$data" -- "$@" >/dev/null 2>&1 || true
perf script -i "$data" -F trace 2>/dev/null | awk '
  { for (i = 1; i <= NF; i++) if ($i ~ /^order=/) { split($i, a, "="); bytes += 4096 * 2 ^ a[2] } }
  END { printf "%.0f MB of pages\n", bytes / 1e6 }'
