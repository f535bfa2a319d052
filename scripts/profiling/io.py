#!/usr/bin/env python3
"""Reads `perf script` output of write/fsync syscall tracepoints of one process and counts them by file and size.

Usage: perf script -i perf.data | io.py FDS SECONDS
FDS is `ls -l /proc/PID/fd` taken at the end of the window (a file closed before then shows as its descriptor number).
Prints a Markdown table: file, call, bytes per call, calls, calls per second.
"""
import re
import sys
from collections import Counter

def files(listing):
    names = {}
    for line in open(listing):
        m = re.search(r" (\d+) -> (.+)$", line.strip())
        if m:
            names[int(m.group(1))] = m.group(2)
    return names

def main():
    names, seconds = files(sys.argv[1]), float(sys.argv[2])
    calls = Counter()
    for line in sys.stdin:
        m = re.search(r"sys_enter_(\w+): fd: (0x[0-9a-f]+)(?:.*count: (0x[0-9a-f]+))?", line)
        if not m:
            continue
        call, fd = m.group(1), int(m.group(2), 16)
        # Sizes tell SQLite's page writes (pwrite64) apart; plain writes (logs, the perf map) are counted together.
        size = int(m.group(3), 16) if m.group(3) and call == "pwrite64" else None
        name = names.get(fd, f"fd {fd} (closed by the end)")
        calls[(re.sub(r"^/tmp/[^/]+/", "", name), call, size)] += 1
    print(f"{sum(calls.values())} calls in {seconds:g} s\n")
    print("| file | call | bytes per call | calls | per second |\n| --- | --- | ---: | ---: | ---: |")
    for (name, call, size), n in calls.most_common(30):
        print(f"| `{name}` | {call} | {'' if size is None else size} | {n} | {n / seconds:.0f} |")

main()
