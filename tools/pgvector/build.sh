#!/usr/bin/env bash
# Builds pgvector from Debian's source package for the PostgreSQL server of this machine (Debian bookworm ships
# PostgreSQL 15 but no pgvector; trixie's binary package needs a newer libc), without touching the system's
# PostgreSQL tree or apt sources. Idempotent: a second run with the same server and script prints "already built"
# and exits in well under a second.
#
#   bash tools/pgvector/build.sh          # then: eval "$(bash tools/pgvector/cluster.sh start)"
#
# What it does, each step skipped when its result is cached under $PREFIX (see common.sh; as root
# /var/cache/contrastive/pgvector, else ~/.cache/contrastive/pgvector; $PGVECTOR_PREFIX overrides):
#  1. PostgreSQL $PG_MAJOR (default 15) server from apt if it is missing (root only), a C compiler and make.
#  2. pgvector's source with `apt-get source` from trixie's deb-src, through a PRIVATE sources list and a private
#     lists/cache dir ($PREFIX/apt), so /etc/apt is never changed.
#  3. The server headers: `apt-get download postgresql-server-dev-$PG_MAJOR` unpacked into $PREFIX/dev with
#     dpkg-deb -x rather than `apt-get install`: installing it would pull clang and LLVM (~200 MB) for JIT bitcode
#     we do not need (we build with with_llvm=no), and upgrade the installed server in place. Headers of another
#     minor release of the same major version are ABI-compatible (PostgreSQL checks the major version only).
#  4. make (no -march=native: the cached vector.so stays portable), make install into a staging dir.
#  5. Two relocated copies of the server ($PREFIX/pg with pgvector, $PREFIX/plain without): the binaries are
#     copied (PostgreSQL finds its lib/ and share/ relative to its own executable, and resolves symlinks to it),
#     everything else is symlinked to the system tree. PostgreSQL 15 loads extensions only from its own
#     share/extension and pkglibdir, so this is what keeps the system tree untouched.
#  6. A smoke test: a throwaway cluster runs CREATE EXTENSION vector and an HNSW query.
set -euo pipefail
umask 022
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"
say() { echo "pgvector/build: $*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
export DEBIAN_FRONTEND=noninteractive

# 1. The server, a compiler.
if [ ! -x "$SYS_BIN/postgres" ]; then
  is_root || die "PostgreSQL $PG_MAJOR is not installed ($SYS_BIN/postgres is missing); run: sudo apt-get install -y --no-install-recommends postgresql-$PG_MAJOR"
  say "installing postgresql-$PG_MAJOR with apt"
  apt-get install -y -qq --no-install-recommends "postgresql-$PG_MAJOR" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "postgresql-$PG_MAJOR" >/dev/null; }
fi
if is_root && ! getent passwd postgres >/dev/null; then
  die "we are root and there is no 'postgres' user to run the server as (PostgreSQL refuses to run as root); create one: useradd --system --home-dir /var/lib/postgresql postgres"
fi
if ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
  is_root || die "make and gcc are needed to build pgvector; run: sudo apt-get install -y make gcc libc6-dev"
  say "installing make and gcc with apt"
  apt-get install -y -qq --no-install-recommends make gcc libc6-dev >/dev/null
fi

server_version="$(dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" 2>/dev/null || md5sum "$SYS_BIN/postgres" | cut -d' ' -f1)"
script_hash="$(cat "$here/build.sh" "$here/common.sh" | md5sum | cut -d' ' -f1)"
want="server=$server_version script=$script_hash"
if [ -f "$STAMP" ] && grep -qxF "$want" "$STAMP" && [ -x "$TREE_VECTOR/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] &&
  [ -x "$TREE_PLAIN/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ]; then
  say "already built: $(sed -n 's/^pgvector=//p' "$STAMP") for PostgreSQL $PG_MAJOR in $PREFIX"
  exit 0
fi

mkdir -p "$PREFIX/downloads" "$PREFIX/apt/lists/partial" "$PREFIX/apt/cache/archives/partial"
dl="$PREFIX/downloads"
sandbox=()
is_root && sandbox=(-o APT::Sandbox::User=root) # _apt cannot write into a root-owned cache dir

# 2. pgvector's source, through a private sources list.
if ! ls "$dl"/pgvector_*.dsc >/dev/null 2>&1; then
  mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$PREFIX/apt/sources.list"
  apt_private=(-o "Dir::Etc::sourcelist=$PREFIX/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::Lists=$PREFIX/apt/lists" -o "Dir::Cache=$PREFIX/apt/cache" "${sandbox[@]}")
  say "fetching pgvector's source from Debian trixie (private apt lists in $PREFIX/apt)"
  apt-get update -qq "${apt_private[@]}" >/dev/null
  (cd "$dl" && apt-get source -qq --download-only "${apt_private[@]}" pgvector >/dev/null)
  rm -rf "$PREFIX/apt" # 22 MB of Sources index, no longer needed once the source is cached
fi
dsc="$(ls "$dl"/pgvector_*.dsc | sort -V | tail -1)"

# 3. The server headers, unpacked privately.
if ! ls "$dl"/postgresql-server-dev-"$PG_MAJOR"_*.deb >/dev/null 2>&1; then
  say "downloading postgresql-server-dev-$PG_MAJOR (unpacked into $PREFIX/dev, not installed)"
  (cd "$dl" && { apt-get download -qq "${sandbox[@]}" "postgresql-server-dev-$PG_MAJOR" >/dev/null 2>&1 ||
    { is_root && apt-get update -qq && apt-get download -qq "${sandbox[@]}" "postgresql-server-dev-$PG_MAJOR" >/dev/null; }; }) ||
    die "could not download postgresql-server-dev-$PG_MAJOR with apt"
fi
devdeb="$(ls "$dl"/postgresql-server-dev-"$PG_MAJOR"_*.deb | sort -V | tail -1)"

# 4. Build.
work="$PREFIX/build"
rm -rf "$work" "$PREFIX/dev"
mkdir -p "$work" "$PREFIX/dev"
dpkg-deb -x "$devdeb" "$PREFIX/dev"
(cd "$work" && dpkg-source -q -x "$dsc" src >/dev/null 2>&1) || die "dpkg-source could not unpack $dsc"
inc="$PREFIX/dev/usr/include/postgresql"
[ -f "$inc/$PG_MAJOR/server/postgres.h" ] || die "$devdeb has no $PG_MAJOR/server/postgres.h"
make_args=(PG_CONFIG="$SYS_BIN/pg_config" with_llvm=no includedir_server="$inc/$PG_MAJOR/server" includedir_internal="$inc/internal")
say "building $(basename "$dsc" .dsc) against $(basename "$devdeb" .deb)"
make -s -C "$work/src" -j"$(nproc)" "${make_args[@]}" >"$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; die "make failed (log: $work/make.log)"; }
make -s -C "$work/src" "${make_args[@]}" install DESTDIR="$work/stage" >>"$work/make.log" 2>&1 || die "make install failed (log: $work/make.log)"
stage_lib="$work/stage$SYS_LIB"
stage_ext="$work/stage$SYS_SHARE/extension"
[ -f "$stage_lib/vector.so" ] && [ -f "$stage_ext/vector.control" ] || die "make install did not produce vector.so and vector.control"
pgvector_version="$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$stage_ext/vector.control")"

# 5. The relocated trees, built beside the old ones and swapped in.
make_tree() { # dest with_vector
  local dest="$1" bin lib share f
  bin="$dest/usr/lib/postgresql/$PG_MAJOR/bin"
  lib="$dest/usr/lib/postgresql/$PG_MAJOR/lib"
  share="$dest/usr/share/postgresql/$PG_MAJOR"
  mkdir -p "$bin" "$lib" "$share/extension"
  for f in postgres postmaster initdb pg_ctl pg_isready psql; do cp -a "$SYS_BIN/$f" "$bin/"; done
  for f in "$SYS_LIB"/*; do ln -s "$f" "$lib/"; done
  for f in "$SYS_SHARE"/*; do [ "$(basename "$f")" = extension ] || ln -s "$f" "$share/"; done
  for f in "$SYS_SHARE"/extension/*; do case "$(basename "$f")" in vector.control | vector--*) ;; *) ln -s "$f" "$share/extension/" ;; esac; done
  if [ "$2" = yes ]; then
    cp "$stage_lib/vector.so" "$lib/"
    cp "$stage_ext"/vector.control "$stage_ext"/vector--*.sql "$share/extension/"
  fi
}
for t in "$TREE_VECTOR:yes" "$TREE_PLAIN:no"; do
  dest="${t%:*}"
  rm -rf "$dest.new"
  make_tree "$dest.new" "${t#*:}"
  rm -rf "$dest.old"
  [ -e "$dest" ] && mv "$dest" "$dest.old"
  mv "$dest.new" "$dest"
  rm -rf "$dest.old"
done
if is_root && ! runuser -u postgres -- test -x "$TREE_VECTOR/usr/lib/postgresql/$PG_MAJOR/bin/postgres"; then
  die "the 'postgres' user cannot execute $TREE_VECTOR/...; choose a PGVECTOR_PREFIX it can reach"
fi

# 6. Smoke test, then the stamp (written last: a build interrupted before this point is redone next time).
rm -f "$STAMP"
cluster="$(bash "$here/cluster.sh" start)"
cdir="$(sed -n 's/^PGVECTOR_CLUSTER=//p' <<<"$cluster")"
url="$(sed -n 's/^DATABASE_URL=//p' <<<"$cluster")"
psql="$TREE_VECTOR/usr/lib/postgresql/$PG_MAJOR/bin/psql"
smoke="$("$psql" -X -q -t -A -v ON_ERROR_STOP=1 "$url" -c "CREATE EXTENSION vector;
  CREATE TABLE t (id int, v vector(3)); INSERT INTO t VALUES (1, '[1,0,0]'), (2, '[0,1,0]');
  CREATE INDEX ON t USING hnsw (v vector_ip_ops); SET enable_seqscan = off;
  SELECT extversion || ' ' || (SELECT id FROM t ORDER BY v <#> '[0.1,0.9,0]' LIMIT 1) FROM pg_extension WHERE extname = 'vector'" 2>&1)" ||
  { bash "$here/cluster.sh" stop "$cdir"; die "smoke test failed: $smoke"; }
bash "$here/cluster.sh" stop "$cdir"
[ "$smoke" = "$pgvector_version 2" ] || die "smoke test: expected '$pgvector_version 2', got '$smoke'"
rm -rf "$work" "$PREFIX/dev" # the .deb and the source stay in downloads/ for a rebuild
printf '%s\npgvector=%s\nsource=%s\nheaders=%s\n' "$want" "$pgvector_version" "$(basename "$dsc")" "$(basename "$devdeb")" >"$STAMP"
say "built pgvector $pgvector_version for PostgreSQL $PG_MAJOR ($server_version) in $PREFIX"
