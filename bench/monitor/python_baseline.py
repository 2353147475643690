#!/usr/bin/python3
"""The Python reference for `qualbar monitor ingest`: json.loads on every line, count by category.

    /usr/bin/python3 bench/monitor/python_baseline.py RECORDS.jsonl [REPEATS]

Reads the file line by line as UTF-8 text, parses each line with the
standard library's json module and counts records by their category. Prints the best of REPEATS
(default 3) wall times and MB/s = file bytes / seconds (MB = 10^6 bytes), then the counts.
"""
import collections
import json
import os
import sys
import time


def count(path):
    counts = collections.Counter()
    loads = json.loads
    with open(path, encoding="utf-8") as f:  # faster here than bytes to json.loads
        for line in f:
            counts[loads(line).get("category")] += 1
    return counts


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    size = os.path.getsize(path)
    best, counts = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        counts = count(path)
        best = min(best, time.perf_counter() - start)
    print(f"python json: {size / best / 1e6:.1f} MB/s, best of {repeats}: {best:.3f} s, "
          f"{size} bytes, {sum(counts.values())} records")
    print("  " + ", ".join(f"{k}={v}" for k, v in counts.most_common()))


if __name__ == "__main__":
    main()
