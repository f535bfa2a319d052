#!/usr/bin/env python3
"""Reads `perf script` output of one .NET process and splits its CPU samples by layer.

Each sample is attributed to the innermost frame that belongs to a named layer (so a Dictionary lookup inside Orleans
counts for Orleans); samples inside the garbage collector count as GC wherever they came from; what is left is runtime.
Prints Markdown tables: the layers, the threads (by kind), the system calls the kernel's share went to, and the top
functions by self time.
Usage: perf script -i perf.data | layers.py [--top N]
"""
import re
import sys
from collections import Counter

# (layer, pattern on the symbol), tried in order for each frame from the leaf outwards.
LAYERS = [
    ("GC", re.compile(r"(WKS|SVR)::gc|GCHeap|gc_heap|::mark_|memclr|GarbageCollect|JIT_New|Allocate")),
    ("JIT and type loading", re.compile(r"libclrjit|PreStub|MethodDesc::DoPrestub|ClassLoader|TieredCompilation")),
    ("Logging", re.compile(r"Microsoft\.Extensions\.Logging|Orleans\.Runtime\.\w*Log|LoggerMessage")),
    ("Storage (SQLite)", re.compile(r"SQLitePCL|Microsoft\.Data\.Sqlite|libe_sqlite3|sqlite3")),
    ("Storage (PostgreSQL)", re.compile(r"Npgsql")),
    ("Storage (grain storage, ledger)", re.compile(r"Orleans\.Storage|AdoNet|PlateOrleans\.Silo\.Storage|PlateOrleans\.Grains\.Ledger")),
    ("Serialization (Orleans)", re.compile(r"Orleans\.Serialization")),
    ("Rules and grains (ours)", re.compile(r"PlateOrleans\.Grains|PlateOrleans\.Contracts")),
    ("Orleans runtime and messaging", re.compile(r"Orleans\.")),
    ("Auth (JWT, accounts check)", re.compile(r"IdentityModel|Authentication|PlateOrleans\.Api\.Auth|Authorization")),
    ("Rate limiting", re.compile(r"RateLimit")),
    ("JSON", re.compile(r"System\.Text\.Json")),
    ("Endpoints and routing (ours and ASP.NET Core)", re.compile(r"PlateOrleans\.Api|Microsoft\.AspNetCore\.(Routing|Http|Builder|Diagnostics|OpenApi)")),
    ("Kestrel, HTTP and sockets", re.compile(r"Kestrel|System\.Net\.|System\.IO\.Pipelines|Microsoft\.AspNetCore\.Server|sock|tcp_|ip_|epoll|__sys_|do_syscall|net_rx|skb")),
    ("Thread pool and tasks", re.compile(r"System\.Threading|ThreadPool|AsyncTaskMethodBuilder|System\.Runtime\.CompilerServices")),
]

def layer_of(frames):
    for frame in frames[:3]:
        if LAYERS[0][1].search(frame):
            return "GC"
    for frame in frames:
        for name, pattern in LAYERS[1:]:
            if pattern.search(frame):
                return name
    leaf = frames[0] if frames else ""
    if "kernel" in leaf or leaf.startswith("["):
        return "Kernel (other)"
    return "Runtime (other)"

def samples(stream):
    """Yields (thread name, frames from the leaf outwards) for each sample."""
    thread, frames = "", []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield thread, frames
            thread, frames = "", []
            continue
        if line[0] not in " \t":
            # The header line of a sample: the thread's name, then its id, the time and the event.
            thread = re.sub(r"\s+\d+(/\d+)?\s+(\[\d+\]\s+)?[\d.]+:.*$", "", line).strip()
            continue
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", parts[1])
            frames.append(symbol)
    if frames:
        yield thread, frames

def syscall_of(frames):
    """The system call a sample is inside (its kernel frame), or None."""
    calls = [f for f in frames if f.startswith(("__x64_sys_", "__do_sys_", "__se_sys_"))]
    return re.sub(r"^__(x64|do|se)_sys_|\+0x[0-9a-f]+|\s*\(.*\)$", "", calls[-1]) if calls else None

def main():
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    layers, selfs, threads, syscalls, total = Counter(), Counter(), Counter(), Counter(), 0
    for thread, frames in samples(sys.stdin):
        total += 1
        layers[layer_of(frames)] += 1
        selfs[frames[0]] += 1
        # Thread-pool workers and the like are many threads of one kind: counted together.
        threads[re.sub(r"\s*\d+$", "", thread) or "?"] += 1
        call = syscall_of(frames)
        if call:
            syscalls[call] += 1
    if total == 0:
        print("no samples")
        return
    print(f"{total} samples\n")
    print("| layer | share of CPU |\n| --- | ---: |")
    for name, count in layers.most_common():
        print(f"| {name} | {100.0 * count / total:.1f}% |")
    print("\nBy thread (the kind of thread, as the runtime names it):\n")
    print("| thread | share of CPU |\n| --- | ---: |")
    for name, count in threads.most_common(12):
        print(f"| {name} | {100.0 * count / total:.1f}% |")
    print("\nIn the kernel, by system call (where the stack shows it):\n")
    print("| system call | share of CPU |\n| --- | ---: |")
    for name, count in syscalls.most_common(12):
        print(f"| {name} | {100.0 * count / total:.1f}% |")
    print(f"\nTop {top} functions by self time:\n")
    print("| function | self |\n| --- | ---: |")
    for name, count in selfs.most_common(top):
        print(f"| `{name[:110]}` | {100.0 * count / total:.1f}% |")

if __name__ == "__main__":
    main()
