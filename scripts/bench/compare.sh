#!/usr/bin/env bash
# Servers side by side, in one run on one machine, each driven by the same load tool command: the plain ASP.NET Core +
# PostgreSQL baseline (bench/Baseline), PlateOrleans on PostgreSQL and PlateOrleans on its default SQLite.
#
#   scripts/bench/compare.sh [--targets "baseline orleans-pg orleans-sqlite"] [-- LOADTEST-ARGS]
#
# LOADTEST-ARGS default to the draw phase: --scenario draws --applicants 3000 --concurrency 64 (3,000 verified
# applicants, 64 at a time, each 5 x (draw, backup), then a confirmation). The opening-day surge:
#   scripts/bench/compare.sh --targets "orleans-sqlite orleans-pg" -- --applicants 20000 --seconds 60 --arrival spike
#
# Targets: baseline, orleans-pg, orleans-sqlite, and orleans-memory (the in-memory provider of development and tests:
# the same request path with nothing stored, to tell storage's share from the rest).
#
# SERVER_ENV="NAME=value ..." adds settings to the PlateOrleans server's environment only (runtime knobs compared side by
# side, e.g. SERVER_ENV="DOTNET_gcServer=0").
#
# Starts a throwaway PostgreSQL 15 (/usr/lib/postgresql/15/bin; as root through runuser) on port 55498 for each target that
# stores there, fresh each time; writes the load tool's reports to TestResults/bench-<time>/<target>.{md,json,png} and a summary
# line per target to summary.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets="baseline orleans-pg orleans-sqlite" extra=(--scenario draws --applicants 3000 --concurrency 64)
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) targets=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

out="$PWD/TestResults/bench-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
pgbin=/usr/lib/postgresql/15/bin pgport=55498 work=$(mktemp -d)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chmod 777 "$work"
# Each target that stores in PostgreSQL gets a server of its own, started before it and stopped after it: what one
# target leaves behind (the checkpoint of its dirty pages, autovacuum of the rows it updated) must not run, and be
# counted as database CPU, during the next target's measurement.
start_pg() {
  as_postgres "$pgbin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  as_postgres "$pgbin/createdb" -h 127.0.0.1 -p $pgport -U postgres "$1"
}
stop_pg() { as_postgres "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true; rm -rf "$work/pg"; }
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; stop_pg; rm -rf "$work"; }
trap cleanup EXIT
pg="Host=127.0.0.1;Port=$pgport;Username=postgres"

dotnet build src/Api -c Release -nologo -v quiet >/dev/null
dotnet build bench/Baseline -c Release -nologo -v quiet >/dev/null
dotnet build tools/LoadTest -c Release -nologo -v quiet >/dev/null

source scripts/bench/load-settings.sh
port=5090
echo "load tool: ${extra[*]}" >"$out/summary.md"
echo "" >>"$out/summary.md"
echo "| target | finished | finished per second | draw p99 ms | backup p99 ms | confirmation p99 ms | highest p99 ms (endpoint) | 5xx | server CPU ms/request | database CPU ms/request | load tool CPU ms/request | outcome |" >>"$out/summary.md"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |" >>"$out/summary.md"
for target in $targets; do
  case "$target" in
    baseline)
      start_pg baseline
      (cd bench/Baseline && exec env "${load_settings[@]}" ASPNETCORE_URLS="http://127.0.0.1:$port" \
        ConnectionStrings__Baseline="$pg;Database=baseline" Admin__Username=admin Admin__Password=Admin-Passw0rd \
        Jwt__SigningKey=baseline-bench-signing-key-0123456789abcdef dotnet bin/Release/net10.0/PlateOrleans.Baseline.dll) \
        >"$out/$target.server.log" 2>&1 & ;;
    orleans-pg|orleans-sqlite|orleans-memory)
      provider=PostgreSql cs="$pg;Database=orleans"
      [ "$target" = orleans-sqlite ] && provider=Sqlite cs="Data Source=$work/plates.db"
      # Nothing stored: the request path without storage, an upper bound to read the others against (not a product mode).
      [ "$target" = orleans-memory ] && provider=Memory cs=""
      [ "$target" = orleans-pg ] && start_pg orleans
      # shellcheck disable=SC2086
      (cd src/Api && exec env "${load_settings[@]}" ${SERVER_ENV:-} ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$port" Demo__Seed=false \
        Storage__Provider=$provider Storage__ConnectionString="$cs" dotnet bin/Release/net10.0/PlateOrleans.Api.dll) \
        >"$out/$target.server.log" 2>&1 & ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
  server=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 1; done
  status=0 database=()
  # PostgreSQL's own work (the server and its backends) counts too where a target stores there.
  [ "$target" = baseline ] || [ "$target" = orleans-pg ] && database=(--database-process postgres)
  dotnet tools/LoadTest/bin/Release/net10.0/PlateOrleans.LoadTest.dll --url "http://127.0.0.1:$port" \
    --report "$out/$target" --server-pid "$server" "${database[@]}" "${extra[@]}" >"$out/$target.txt" 2>&1 || status=$?
  echo "$target: resident memory after the run $(ps -o rss= -p "$server" | awk '{printf "%.0f MiB", $1/1024}')" >>"$out/memory.txt"
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; server=""
  stop_pg
  python3 - "$out/$target.json" "$target" "$status" >>"$out/summary.md" <<'PY'
import json, sys
path, target, status = sys.argv[1:]
try:
    r = json.load(open(path))
except Exception as e:
    print(f"| {target} | - | - | - | - | - | - | - | - | - | - | no report ({e}) |"); sys.exit()
def find(o, key):
    if isinstance(o, dict):
        if key in o: return o[key]
        for v in o.values():
            f = find(v, key)
            if f is not None: return f
    if isinstance(o, list):
        for v in o:
            f = find(v, key)
            if f is not None: return f
fps = round(find(r, "finishedPerSecond") or 0, 1)
cpu = r.get("serverCpu") or {}
cpu_ms = round(cpu.get("msPerRequest", 0), 3) if cpu else "-"
db = r.get("databaseCpu") or {}
db_ms = round(db.get("msPerRequest", 0), 3) if db else "-"
own = r.get("loadToolCpu") or {}
own_ms = round(own.get("msPerRequest", 0), 3) if own else "-"
eps = {e.get("endpoint", e.get("name", "")): e for e in (find(r, "endpoints") or [])}
def p99(part):
    for name, e in eps.items():
        if name.endswith(part): return round(e.get("p99Ms", 0), 1)
    return "-"
worst = max(eps.items(), key=lambda kv: kv[1].get("p99Ms", 0)) if eps else ("-", {})
print(f"| {target} | {find(r, 'finished')} of {find(r, 'applicants')} | {fps} | {p99('/draws')} | {p99('/backups')} | {p99('/confirmation')} "
      f"| {round(worst[1].get('p99Ms', 0), 1)} ({worst[0]}) | {find(r, 'serverErrors')} | {cpu_ms} | {db_ms} | {own_ms} | {'passed' if status == '0' else 'exit ' + status} |")
PY
done
cat "$out/summary.md"; cat "$out/memory.txt"
echo "written to $out"
