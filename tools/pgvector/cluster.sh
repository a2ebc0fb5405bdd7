#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a fresh temp dir, listening on 127.0.0.1 only
# (plus a Unix socket inside that dir), on a free port, trust authentication, durability off (fsync, full-page
# writes: the data is thrown away). No system service, config or data directory is touched.
#
#   eval "$(bash tools/pgvector/cluster.sh start)"   # sets PGVECTOR_CLUSTER and DATABASE_URL
#   bash tools/pgvector/cluster.sh stop "$PGVECTOR_CLUSTER"   # stops it and deletes its dir
#
# start --no-vector starts a server whose installation has no pgvector files (CREATE EXTENSION vector fails), for
# the error tests. As root the server runs as the 'postgres' user (PostgreSQL refuses to run as root).
# stdout: the two VAR=value lines; logs and errors on stderr. Exit 3: pgvector not built (run build.sh).
set -euo pipefail
umask 022
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"
say() { echo "pgvector/cluster: $*" >&2; }
MARK=.contrastive-pg-cluster

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local tree="$TREE_VECTOR"
  [ "${1:-}" = --no-vector ] && tree="$TREE_PLAIN"
  local bin="$tree/usr/lib/postgresql/$PG_MAJOR/bin"
  if [ ! -x "$bin/postgres" ] || { [ "$tree" = "$TREE_VECTOR" ] && [ ! -f "$tree/usr/share/postgresql/$PG_MAJOR/extension/vector.control" ]; }; then
    say "pgvector is not built in $PREFIX: run bash tools/pgvector/build.sh"
    exit 3
  fi
  local dir port attempt
  dir="$(mktemp -d "${TMPDIR:-/tmp}/contrastive-pg.XXXXXX")"
  touch "$dir/$MARK"
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if ! as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync --no-locale -E UTF8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    say "initdb failed"
    exit 1
  fi
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k '$dir' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "PGVECTOR_CLUSTER=$dir"
      echo "DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    say "start on port $port failed (attempt $attempt): $(tail -1 "$dir/server.log" 2>/dev/null)"
  done
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  exit 1
}

stop() {
  local dir="${1:-${PGVECTOR_CLUSTER:-}}"
  [ -n "$dir" ] || { say "stop: which cluster? give its dir or set PGVECTOR_CLUSTER"; exit 2; }
  # Only ever delete a dir this script made.
  [ -f "$dir/$MARK" ] || { say "stop: $dir is not a cluster made by cluster.sh (no $MARK)"; exit 2; }
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bin="$TREE_VECTOR/usr/lib/postgresql/$PG_MAJOR/bin"
    [ -x "$bin/pg_ctl" ] || bin="$SYS_BIN"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || say "stop: pg_ctl stop failed; deleting $dir anyway"
  fi
  rm -rf "$dir"
}

case "${1:-}" in
start) shift; start "$@" ;;
stop) shift; stop "$@" ;;
*) echo "usage: cluster.sh start [--no-vector] | stop [dir]" >&2; exit 2 ;;
esac
