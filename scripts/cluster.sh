#!/usr/bin/env bash
# A PlateOrleans cluster on loopback, without Docker: a throwaway PostgreSQL 15, two silo processes (src/Silo) and one
# API process (src/Api as an Orleans client) on http://localhost:5000. Everything lives under data/cluster/.
#
#   scripts/cluster.sh start     build, then start PostgreSQL, the silos and the API (waits until the API is ready)
#   scripts/cluster.sh status    what runs, and the cluster as the API sees it
#   scripts/cluster.sh stop      stop the API, the silos and PostgreSQL (the data stays for the next start)
#   scripts/cluster.sh clean     stop, then delete data/cluster/
#
# Settings (environment): SILOS (2), API_URL (http://localhost:5000), PG_PORT (55432), PG_BIN
# (/usr/lib/postgresql/15/bin). As root, PostgreSQL runs as the user postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

silos=${SILOS:-2}
api_url=${API_URL:-http://localhost:5000}
pg_port=${PG_PORT:-55432}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
state=$root/data/cluster
pg_dir=$state/postgres
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=plates"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [ -f "$pg_dir/data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" status -D "$pg_dir/data" >/dev/null 2>&1; }

start_postgres() {
  if [ ! -d "$pg_dir/data" ]; then
    echo "== PostgreSQL: initdb in $pg_dir"
    mkdir -p "$pg_dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$pg_dir"
    as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C >"$state/initdb.log"
  fi
  if ! pg_running; then
    echo "== PostgreSQL on 127.0.0.1:$pg_port"
    as_postgres "$pg_bin/pg_ctl" start -D "$pg_dir/data" -w -t 60 -l "$pg_dir/server.log" \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c max_connections=200" >/dev/null
  fi
  if ! as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'plates'" postgres | grep -q 1; then
    as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE plates" postgres
  fi
}

# start_process NAME DIRECTORY DLL [VAR=VALUE ...]: runs a built assembly from its output folder (where its
# appsettings.json is), in the background, its output in data/cluster/NAME.log and its pid in NAME.pid.
start_process() {
  local name=$1 directory=$2 dll=$3
  shift 3
  if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
    echo "== $name already runs (pid $(cat "$state/$name.pid"))"
    return
  fi
  # exec, so that the recorded pid is the dotnet process itself.
  (cd "$directory" && exec env "$@" dotnet "$dll") >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
  echo "== $name (pid $(cat "$state/$name.pid")), log data/cluster/$name.log"
}

stop_process() {
  local name=$1 pid
  [ -f "$state/$name.pid" ] || return 0
  pid=$(cat "$state/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    echo "== stopped $name"
  fi
  rm -f "$state/$name.pid"
}

common_settings() {
  echo "Storage__Provider=PostgreSql" "Storage__ConnectionString=$connection" \
    "Orleans__ServiceId=plate-orleans" "Orleans__ClusterId=local" "Logging__LogLevel__Polly=Warning"
}

start() {
  mkdir -p "$state"
  echo "== build (Release)"
  dotnet build src/Api/PlateOrleans.Api.csproj -c Release -nologo -v quiet >/dev/null
  start_postgres
  local i silo_dir=$root/src/Silo/bin/Release/net10.0 api_dir=$root/src/Api/bin/Release/net10.0
  # shellcheck disable=SC2046
  for i in $(seq 1 "$silos"); do
    start_process "silo$i" "$silo_dir" PlateOrleans.Silo.dll $(common_settings) \
      "DOTNET_ENVIRONMENT=Development" "Sms__Provider=Outbox" \
      "Orleans__SiloPort=$((11110 + i))" "Orleans__GatewayPort=$((29999 + i))" "Orleans__AdvertisedHost=127.0.0.1" \
      "Operations__Port=$((8089 + i))"
  done
  # shellcheck disable=SC2046
  start_process api "$api_dir" PlateOrleans.Api.dll $(common_settings) \
    "Orleans__Mode=Client" "ASPNETCORE_ENVIRONMENT=Development" "ASPNETCORE_URLS=$api_url"
  echo -n "== waiting for $api_url/health/ready "
  for _ in $(seq 1 120); do
    if curl -sf "$api_url/health/ready" >/dev/null 2>&1; then
      echo "ok"
      status
      return
    fi
    echo -n "."
    sleep 1
  done
  echo "not ready after 120 s: see data/cluster/*.log" >&2
  exit 1
}

status() {
  local name
  for name in api $(for i in $(seq 1 "$silos"); do echo "silo$i"; done); do
    if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
      echo "$name: running (pid $(cat "$state/$name.pid"))"
    else
      echo "$name: stopped"
    fi
  done
  if pg_running; then echo "postgres: running on 127.0.0.1:$pg_port"; else echo "postgres: stopped"; fi
  curl -s "$api_url/health/ready" 2>/dev/null && echo || true
  echo "API $api_url/docs, dashboard $api_url/dashboard (sign in as admin), PostgreSQL: $connection"
  echo "silos' health and metrics: http://127.0.0.1:8090/health/ready, /metrics (silo1; silo2 on 8091, ...)"
}

stop() {
  stop_process api
  for i in $(seq 1 "$silos"); do stop_process "silo$i"; done
  if pg_running; then
    as_postgres "$pg_bin/pg_ctl" stop -D "$pg_dir/data" -m fast -w >/dev/null
    echo "== stopped PostgreSQL"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) stop; rm -rf "$state"; echo "== removed data/cluster" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
