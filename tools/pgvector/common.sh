# Shared by build.sh and cluster.sh (sourced, not run). Where the pgvector build and the relocated
# PostgreSQL trees live, and how to run a command as the user the server runs as.
PG_MAJOR="${PG_MAJOR:-15}"
SYS_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
SYS_LIB="/usr/lib/postgresql/$PG_MAJOR/lib"
SYS_SHARE="/usr/share/postgresql/$PG_MAJOR"

# The cache. As root it is /var/cache/... rather than ~/.cache: /root is private (mode 700), and the server runs
# as the 'postgres' user (PostgreSQL refuses to run as root), which must be able to execute the binaries there.
if [ -n "${PGVECTOR_PREFIX:-}" ]; then
  PREFIX="$PGVECTOR_PREFIX"
elif [ "$(id -u)" -eq 0 ]; then
  PREFIX=/var/cache/contrastive/pgvector
else
  PREFIX="${XDG_CACHE_HOME:-$HOME/.cache}/contrastive/pgvector"
fi
# Two relocated copies of the server: 'pg' has pgvector in its lib/ and share/extension/, 'plain' has not (the
# integration test's "database without the extension"). Both are laid out as the Debian tree (usr/lib/postgresql/N,
# usr/share/postgresql/N) so the copied binaries find their lib and share directories relative to themselves.
TREE_VECTOR="$PREFIX/pg"
TREE_PLAIN="$PREFIX/plain"
STAMP="$PREFIX/built.txt"

# Runs "$@" as the server's user: 'postgres' when we are root, ourselves otherwise.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
