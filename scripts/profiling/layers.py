#!/usr/bin/env python3
"""Reads `perf script` output of one .NET process and splits its CPU samples by layer.

Each sample is attributed to the innermost frame that belongs to a named layer (so a Dictionary lookup inside Orleans
counts for Orleans); samples inside the garbage collector count as GC wherever they came from; what is left is runtime.
Prints a Markdown table of layers and the top functions by self time.
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
    frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line[0] not in " \t":
            continue  # the header line of a sample
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", parts[1])
            frames.append(symbol)
    if frames:
        yield frames

def main():
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    layers, selfs, total = Counter(), Counter(), 0
    for frames in samples(sys.stdin):
        total += 1
        layers[layer_of(frames)] += 1
        selfs[frames[0]] += 1
    if total == 0:
        print("no samples")
        return
    print(f"{total} samples\n")
    print("| layer | share of CPU |\n| --- | ---: |")
    for name, count in layers.most_common():
        print(f"| {name} | {100.0 * count / total:.1f}% |")
    print(f"\nTop {top} functions by self time:\n")
    print("| function | self |\n| --- | ---: |")
    for name, count in selfs.most_common(top):
        print(f"| `{name[:110]}` | {100.0 * count / total:.1f}% |")

if __name__ == "__main__":
    main()
