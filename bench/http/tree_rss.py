#!/usr/bin/python3
"""Samples the summed resident memory of a process's descendants until that process exits.

Usage: /usr/bin/python3 bench/http/tree_rss.py PID OUT_FILE [INTERVAL_S]

Every INTERVAL_S (default 0.05) it walks /proc, finds every descendant of PID (PID itself is not
counted: it is /usr/bin/time, whose own RSS is not the tool's), adds up their VmRSS, and keeps the
peak. When PID is gone it writes to OUT_FILE:

  peak_kib=N max_procs=N samples=N names=node,python3

/usr/bin/time -v reports the peak RSS of the largest single process only (getrusage of children is
a maximum, not a sum), so a tool that spawns workers needs this sum as well; the scripts report the
larger of the two.
"""
import os
import sys
import time


def snapshot():
    parent = {}
    name = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        close = stat.rfind(")")
        fields = stat[close + 2:].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        name[pid] = stat[stat.find("(") + 1:close]
    return parent, name


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, or a zombie (no VmRSS line)


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    root = int(argv[1])
    out = argv[2]
    interval = float(argv[3]) if len(argv) == 4 else 0.05
    peak = 0
    max_procs = 0
    samples = 0
    names = set()
    while os.path.exists("/proc/%d" % root):
        parent, name = snapshot()
        children = {}
        for pid, ppid in parent.items():
            children.setdefault(ppid, []).append(pid)
        todo = list(children.get(root, []))
        total = 0
        count = 0
        while todo:
            pid = todo.pop()
            kib = rss_kib(pid)
            if kib:
                total += kib
                count += 1
                names.add(name.get(pid, "?"))
            todo.extend(children.get(pid, []))
        peak = max(peak, total)
        max_procs = max(max_procs, count)
        samples += 1
        time.sleep(interval)
    with open(out, "w") as f:
        f.write("peak_kib=%d max_procs=%d samples=%d names=%s\n"
                % (peak, max_procs, samples, ",".join(sorted(names)) or "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
