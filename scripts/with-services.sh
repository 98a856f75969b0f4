#!/usr/bin/env bash
# Run a command against throwaway services: a PostgreSQL cluster and a redis-server, each on
# a free loopback port in a temporary folder. DATABASE_URL and REDIS_URL point at them.
# Both are stopped, and the folder removed, whatever the command does; the script exits
# with the command's own exit code.
# Usage: scripts/with-services.sh <command> [args...]
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null 2>&1; then
  echo "PostgreSQL server binaries and redis-server are needed: apt-get install postgresql redis-server" >&2
  exit 2
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhashui-services.XXXXXX")
pg_port=$(free_port)
redis_port=$(free_port)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  set +e
  if [ -f "$tmp/pg/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate -w stop >/dev/null 2>&1
  fi
  if [ -f "$tmp/redis.pid" ]; then
    kill "$(cat "$tmp/redis.pid")" 2>/dev/null
    for _ in $(seq 50); do [ -f "$tmp/redis.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "Starting PostgreSQL on 127.0.0.1:$pg_port and Redis on 127.0.0.1:$redis_port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 2; }
# Durability is pointless for a throwaway test cluster; turning it off makes the suite faster.
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null || { cat "$tmp/pg/server.log" >&2; exit 2; }
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres zhashui

redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
  --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" --dir "$tmp"
for _ in $(seq 100); do
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/zhashui"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
# The outage test stops this redis-server and starts it again on the same port and pidfile.
export TEST_REDIS_PIDFILE="$tmp/redis.pid" TEST_REDIS_DIR="$tmp"
# The PostgreSQL restart test (marker pg_restart) restarts this cluster with pg_ctl, as the
# user who owns it (postgres when run as root), and reads its tools (pg_dump…) from here.
export TEST_PG_DATA="$tmp/pg" TEST_PG_BIN="$pg_bin"

set +e
"$@"
code=$?
set -e
exit $code
