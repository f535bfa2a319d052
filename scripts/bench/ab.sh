#!/usr/bin/env bash
# Two builds (or two settings) of PlateOrleans measured at the same time, side by side on one machine: for telling a
# change of a few percent from the machine's own swings, which move single runs by ±20% within minutes here.
#
#   scripts/bench/ab.sh [--before REV] [--storage Sqlite|Memory] [--rounds N] [--env-a "N=V ..."] [--env-b "N=V ..."] [-- LOADTEST-ARGS]
#
# A is the tree at REV (a temporary worktree) or, without --before, this tree; B is this tree. Each round starts both
# servers (each with a SQLite file of its own), prepares and warms up a load tool for each, then starts both measured
# runs at one moment (the load tool's --start-file) and, while both still run, compares the servers' CPU time per
# request and their requests per second. Both sides meet the same machine at the same moments, so the ratio holds
# still where the absolute figures do not. A and B swap ports each round. LOADTEST-ARGS default to the draw phase:
# --scenario draws --applicants 3000 --concurrency 32 (32 each, 64 in all).
# Not for settings that trade CPU for latency (a thread pool that spins longer before sleeping): a side that burns
# more CPU also takes it from the other, so that side looks faster here while on its own it may not be.
# Writes TestResults/ab-<time>/round-N-{a,b}.{txt,json} and summary.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

before="" storage=Sqlite rounds=3 env_a="" env_b="" extra=(--scenario draws --applicants 3000 --concurrency 32)
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before=$2; shift 2 ;;
    --storage) storage=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --env-a) env_a=$2; shift 2 ;;
    --env-b) env_b=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

out="$PWD/TestResults/ab-$(date -u +%Y%m%dT%H%M%SZ)"
work=$(mktemp -d)
mkdir -p "$out"
tree_a=$PWD tree_b=$PWD
if [ -n "$before" ]; then
  tree_a="$work/before"
  git worktree add -q --detach "$tree_a" "$before"
fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$before" ] && git worktree remove --force "$tree_a" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

for tree in $(printf '%s\n' "$tree_a" "$tree_b" | sort -u); do
  (cd "$tree" && dotnet build src/Api -c Release -nologo -v quiet >/dev/null && dotnet build tools/LoadTest -c Release -nologo -v quiet >/dev/null)
done

source scripts/bench/load-settings.sh

echo "A: ${before:-this tree} ${env_a}; B: this tree ${env_b}; $storage; load tool each: ${extra[*]}" >"$out/summary.md"
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/data" "$work/go"; mkdir -p "$work/data"
  declare -A server=() load=()
  for side in a b; do
    tree=$tree_a settings=$env_a port=5092
    [ $side = b ] && tree=$tree_b settings=$env_b port=5093
    # Swapped each round: neither side keeps a port that might favour it.
    [ $((round % 2)) = 0 ] && port=$((5092 + 5093 - port))
    cs="Data Source=$work/data/$side.db"; [ "$storage" = Memory ] && cs=""
    # shellcheck disable=SC2086
    (cd "$tree/src/Api" && exec env "${load_settings[@]}" $settings ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" \
      Demo__Seed=false Storage__Provider="$storage" Storage__ConnectionString="$cs" dotnet bin/Release/net10.0/PlateOrleans.Api.dll) \
      >"$out/round-$round-$side.server.log" 2>&1 &
    server[$side]=$!; pids+=($!)
    for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 1; done
    dotnet "$tree_b/tools/LoadTest/bin/Release/net10.0/PlateOrleans.LoadTest.dll" --url "http://127.0.0.1:$port" \
      --report "$out/round-$round-$side" --start-file "$work/go" "${extra[@]}" >"$out/round-$round-$side.txt" 2>&1 &
    load[$side]=$!; pids+=($!)
  done
  until grep -q '^Ready' "$out/round-$round-a.txt" && grep -q '^Ready' "$out/round-$round-b.txt"; do
    kill -0 "${load[a]}" && kill -0 "${load[b]}" || { echo "a load tool ended before its run (see $out)" >&2; exit 1; }
    sleep 0.5
  done
  # The servers' CPU time every half second from the start, until either load tool ends.
  t0=$(date +%s.%N); touch "$work/go"
  while kill -0 "${load[a]}" 2>/dev/null && kill -0 "${load[b]}" 2>/dev/null; do
    echo "$(echo "$(date +%s.%N) - $t0" | bc) $(process_cpu "${server[a]}") $(process_cpu "${server[b]}")" >>"$out/round-$round.cpu"
    sleep 0.5
  done
  wait "${load[a]}" "${load[b]}" || true
  kill "${server[a]}" "${server[b]}" 2>/dev/null; wait "${server[a]}" "${server[b]}" 2>/dev/null || true
  python3 - "$out" "$round" "$(getconf CLK_TCK)" >>"$out/summary.md" <<'PY'
import json, sys
out, rnd, hz = sys.argv[1], sys.argv[2], int(sys.argv[3])
cpu = [tuple(map(float, l.split())) for l in open(f"{out}/round-{rnd}.cpu") if l.strip()]
# The window both measured runs share: from the second second to the last sample taken while both ran.
t1, t2 = 1.0, cpu[-1][0]
def at(points, t):
    # Linear interpolation of cumulative values given as (time, value...) rows.
    for (ta, *va), (tb, *vb) in zip(points, points[1:]):
        if ta <= t <= tb:
            f = (t - ta) / (tb - ta) if tb > ta else 0
            return [a + (b - a) * f for a, b in zip(va, vb)]
    return list(points[-1][1:]) if t > points[-1][0] else list(points[0][1:])
row = [f"round {rnd}, {t2 - t1:.1f} s together"]
for i, side in enumerate("ab"):
    timeline = json.load(open(f"{out}/round-{rnd}-{side}.json"))["timeline"]
    done, total = [(0.0, 0.0)], 0.0
    for p, q in zip([{"seconds": 0}] + timeline, timeline):
        total += q["requestsPerSecond"] * (q["seconds"] - p["seconds"])
        done.append((q["seconds"], total))
    requests = at(done, t2)[0] - at(done, t1)[0]
    ticks = at(cpu, t2)[i] - at(cpu, t1)[i]
    row.append(f"{side.upper()}: {requests / (t2 - t1):.0f} requests/s, {ticks / hz * 1000 / requests:.3f} ms server CPU/request")
print("- " + "; ".join(row))
PY
  tail -1 "$out/summary.md"
done
echo "written to $out"
