#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + PostGIS 3 cluster for the store tests (CI and local runs).
#
#   DIR=$(bash .ci/postgis.sh start)   # prints the cluster's folder; its URL is in $DIR/url
#   bash .ci/postgis.sh stop "$DIR"     # stops the server and removes the folder
#
# The cluster lives in a fresh folder under /tmp, owned by the `postgres` user, and listens only on
# a Unix socket in that folder (no TCP port, so it never collides with another cluster on this
# machine). It has one database, `atlas`, with the postgis extension (the tests copy it as a
# template for each store they make); connections over the socket are trusted; fsync is off (nothing
# here must survive a power cut). Nothing outside the folder is touched: clusters can run side by side.
set -Eeuo pipefail  # -E: the ERR trap below also fires inside functions

BIN=/usr/lib/postgresql/15/bin

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres -- "$@"
  fi
}

start() {
  local dir port
  dir=$(mktemp -d /tmp/atlas-postgis.XXXXXX)
  chmod 755 "$dir"
  chown postgres: "$dir" 2>/dev/null || sudo chown postgres: "$dir"
  # The port only names the socket file (.s.PGSQL.<port>); any number works, pick one at random.
  port=$((20000 + RANDOM % 20000))
  # Whatever fails from here on, leave nothing behind.
  trap 'cat "$dir"/*.log >&2 2>/dev/null; stop "$dir"' ERR
  as_postgres "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off" start >/dev/null
  as_postgres "$BIN/createdb" -h "$dir" -p "$port" -U postgres atlas
  as_postgres /usr/bin/psql -q -h "$dir" -p "$port" -U postgres -d atlas -v ON_ERROR_STOP=1 \
    -c "CREATE EXTENSION postgis" >/dev/null
  trap - ERR
  echo "postgresql+psycopg://postgres@/atlas?host=$dir&port=$port" >"$dir/url"
  echo "$dir"
}

stop() {
  local dir=${1:?usage: postgis.sh stop DIR}
  case "$dir" in /tmp/atlas-postgis.*) ;; *) echo "not a cluster folder of this script: $dir" >&2; exit 2 ;; esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
