#!/usr/bin/env bash
# Profiles the standalone API under a load: where its CPU goes, by layer (perf with .NET perf maps), and the runtime's
# counters (thread-pool queue, GC, lock contention, how busy the SQLite writer thread is) from dotnet-counters, while
# tools/LoadTest drives it.
#
#   scripts/profiling/profile.sh [--storage Memory|Sqlite|PostgreSql] [--connection CS] [--after S] [--for S] [--io] -- LOADTEST-ARGS
#
# --after: seconds after the load tool's warm-up ends (its "Warm-up:" line) until sampling starts;
# --for: how long to sample. Writes TestResults/profile-<time>/: layers.md, counters.csv, api-cpu.txt, load.txt.
# --io: instead of CPU samples, the API's write and fsync calls over the same window, by file and size (io.md): how many
# pages a SQLite commit writes, and to which file (the WAL, the database at a checkpoint, a spilled temporary journal).
# Needs perf (Debian's linux-perf) and dotnet-counters (`dotnet tool install -g dotnet-counters`).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/load-settings.sh

storage=Memory connection="" after=2 duration=15 io=false
while [ $# -gt 0 ]; do
  case "$1" in
    --storage) storage=$2; shift 2 ;;
    --connection) connection=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --for) duration=$2; shift 2 ;;
    --io) io=true; shift ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

out="TestResults/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
counters="${DOTNET_COUNTERS:-$HOME/.dotnet/tools/dotnet-counters}"
port=5080
data=$(mktemp -d)

dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build tools/LoadTest -c Release -nologo -v quiet >/dev/null

# With the settings of a load test (scripts/bench/load-settings.sh).
(cd src/Api && exec env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" \
  Demo__Seed=false Storage__Provider="$storage" \
  Storage__ConnectionString="${connection:-Data Source=$data/plates.db}" \
  "${load_settings[@]}" \
  dotnet bin/Release/net10.0/PlateOrleans.Api.dll) >"$out/api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done

cpu() { process_cpu "$api"; }
dotnet tools/LoadTest/bin/Release/net10.0/PlateOrleans.LoadTest.dll --url "http://127.0.0.1:$port" "$@" >"$out/load.txt" 2>&1 &
load=$!
until grep -q '^Warm-up:' "$out/load.txt" 2>/dev/null; do
  kill -0 "$load" 2>/dev/null || { cat "$out/load.txt"; exit 1; }
  sleep 1
done
sleep "$after"
before=$(cpu)
# Not ASP.NET Core's Hosting or Kestrel counters: while anyone listens to those event sources they write a start and a
# stop event for every request (8.7% of the API's CPU in a profile taken with them). The load tool counts the requests.
"$counters" collect -p "$api" --format csv -o "$out/counters.csv" --duration "00:00:00:$(printf %02d "$duration")" \
  --counters System.Runtime,PlateOrleans.Storage >/dev/null 2>&1 &
if $io; then
  perf record -e syscalls:sys_enter_pwrite64,syscalls:sys_enter_write,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync \
    -p "$api" -o "$out/perf.data" -- sleep "$duration" >/dev/null 2>&1
  ls -l "/proc/$api/fd" >"$out/fds.txt" 2>/dev/null || true
else
  perf record -e cpu-clock -F 999 -g -p "$api" -o "$out/perf.data" -- sleep "$duration" >/dev/null 2>&1
fi
after_cpu=$(cpu)
wait "$load" || true
ticks=$(getconf CLK_TCK)
echo "API CPU seconds while sampling ($duration s): $(echo "scale=2; ($after_cpu - $before) / $ticks" | bc)" >"$out/api-cpu.txt"
if $io; then
  perf script -i "$out/perf.data" 2>/dev/null | python3 scripts/profiling/io.py "$out/fds.txt" "$duration" >"$out/io.md"
  report="$out/io.md"
else
  perf script -i "$out/perf.data" 2>/dev/null | python3 scripts/profiling/layers.py --top 30 >"$out/layers.md"
  report="$out/layers.md"
fi
rm -f "$out/perf.data"
cat "$out/api-cpu.txt"
head -60 "$report"
echo "written to $out"
