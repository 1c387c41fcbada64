#!/usr/bin/env bash
# A real PostgreSQL server (Debian's package) on 127.0.0.1, for integration tests and local runs.
#
#   scripts/postgres/server.sh start  [--port N] [--dir DIR]   # default port 15432
#   scripts/postgres/server.sh stop   [--port N]
#   scripts/postgres/server.sh status [--port N]               # exit 0 running, 3 not running
#
# start creates a cluster (initdb) with a generated password for the superuser `streamforge`, starts it
# listening on 127.0.0.1 only, with its Unix socket inside its own directory, waits until pg_isready
# answers, creates the database `streamforge` and prints the one setting a client needs:
#   DATABASE_URL=postgres://streamforge:PASSWORD@127.0.0.1:N/streamforge
# Without --dir the cluster lives in a fresh temporary directory that stop removes, with fsync off (a
# throwaway test cluster need not survive a power cut); with --dir it is kept, durable, password
# included, and the next start with the same --dir serves the same databases.
#
# initdb and postgres refuse to run as root: run as root, the script runs them as the unprivileged
# `postgres` user of Debian's package and gives that user the cluster directory.
#
# Environment: POSTGRES_START_TIMEOUT (seconds, default 60).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/postgres"
superuser=streamforge
database=streamforge
server_user=postgres

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
log() { echo "postgres/server.sh: $*" >&2; }
# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"

# shellcheck source=../lib/server-args.sh
source "$here/../lib/server-args.sh"
parse_server_args 15432 "$@"
state_file="$state_root/server.$port.dir"

# The newest PostgreSQL installed in Debian's layout (/usr/lib/postgresql/<major>/bin).
bin_dir() {
  local found=(/usr/lib/postgresql/*/bin/initdb) newest
  newest="$(printf '%s\n' "${found[@]}" | sort -V | tail -n 1)"
  if [[ ! -x "$newest" ]]; then
    log "PostgreSQL's server binaries are missing (no /usr/lib/postgresql/<version>/bin/initdb):"
    log "install Debian's package: apt-get install postgresql"
    return 1
  fi
  dirname "$newest"
}

# Runs a server binary as the cluster's owner, from inside directory $1 (a root-only working directory
# would make the binaries complain they cannot reach it).
as_owner() {
  local d="$1"
  shift
  if (($(id -u) == 0)); then
    (cd "$d" && runuser -u "$server_user" -- "$@")
  else
    (cd "$d" && "$@")
  fi
}

# As root, hands the cluster in directory $1 (not its credentials) to the server user and checks that
# user can reach it (a directory under a home the user cannot enter would only fail later, in initdb).
give_to_server_user() {
  local d="$1"
  (($(id -u) == 0)) || return 0
  if ! id -u "$server_user" >/dev/null 2>&1; then
    log "running as root, but there is no '$server_user' user to run PostgreSQL as (initdb refuses root);"
    log "install Debian's postgresql package, which creates it, or run this script as a normal user"
    return 1
  fi
  chown "$server_user:" "$d" "$d/socket"
  chown -R "$server_user:" "$d/data"
  if ! runuser -u "$server_user" -- test -w "$d/data" -a -x "$d/data"; then
    log "the '$server_user' user cannot reach $d: choose a --dir (or TMPDIR) that user can enter"
    return 1
  fi
}

# The pid of the server whose directory is $1, if it is alive and really is this server.
live_pid() { pid_of "$1/postgres.pid" "$1/data"; }

forget() { forget_server "$1" postgres.pid; }

password_of() { sed -n 's/^PGPASSWORD=//p' "$1/credentials.env"; }

settings() { echo "DATABASE_URL=postgres://$superuser:$(password_of "$1")@127.0.0.1:$port/$database"; }

do_status() {
  local d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]] && pid="$(live_pid "$d")"; then
    echo "running: 127.0.0.1:$port, pid $pid, dir $d"
    return 0
  fi
  echo "not running on port $port"
  return 3
}

# A fast shutdown (sessions are ended, not waited for), then signals if pg_ctl cannot do it.
do_stop() {
  local d pid bin
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" ]]; then
    log "no PostgreSQL recorded for port $port"
    return 0
  fi
  if ! pid="$(live_pid "$d")"; then
    log "PostgreSQL on port $port was not running (stale state); cleaned up"
    forget "$d"
    return 0
  fi
  if ! { bin="$(bin_dir)" && as_owner "$d" "$bin/pg_ctl" stop -D "$d/data" -m fast -w -t 30 >/dev/null; }; then
    log "pg_ctl stop failed; signalling pid $pid"
    stop_pid "$pid" 10
  fi
  forget "$d"
  log "stopped PostgreSQL on port $port (pid $pid)"
}

# A new cluster in $1/data whose superuser has the password in $1/credentials.env.
init_cluster() {
  local d="$1" bin="$2" temporary="$3"
  (umask 077 && printf 'PGPASSWORD=%s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$d/credentials.env")
  give_to_server_user "$d" || return 1
  # initdb reads the password from a file the server user can read; it is removed right after.
  (umask 077 && password_of "$d" >"$d/initdb.password")
  if (($(id -u) == 0)); then chown "$server_user:" "$d/initdb.password"; fi
  local no_sync=()
  [[ "$temporary" == yes ]] && no_sync=(--no-sync)
  if ! as_owner "$d" "$bin/initdb" -D "$d/data" -U "$superuser" --pwfile="$d/initdb.password" -A scram-sha-256 \
    -E UTF8 --locale=C --no-instructions "${no_sync[@]}" >"$d/initdb.log" 2>&1; then
    rm -f "$d/initdb.password"
    log "initdb failed; $d/initdb.log:"
    cat "$d/initdb.log" >&2
    return 1
  fi
  rm -f "$d/initdb.password"
  {
    echo "# Set by scripts/postgres/server.sh: loopback only, the socket in the cluster's own directory."
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$d/socket'"
    if [[ "$temporary" == yes ]]; then
      echo "# A throwaway test cluster: no fsync, no waiting for the WAL flush."
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$d/data/postgresql.conf"
}

do_start() {
  local d pid bin t0 temporary=no
  t0=$(date +%s%N)
  running_or_free && return 0
  bin="$(bin_dir)"

  server_dir d "postgres-$port"
  [[ -n "$dir" ]] || temporary=yes
  mkdir -p "$d/data" "$d/socket" "$state_root"
  chmod 700 "$d/data"
  echo "$d" >"$state_file"
  if [[ ! -s "$d/data/PG_VERSION" ]]; then
    if ! init_cluster "$d" "$bin" "$temporary"; then
      forget "$d"
      return 1
    fi
  else
    give_to_server_user "$d" || { forget "$d"; return 1; }
  fi

  # -w waits until the server accepts connections on its socket (or exits, or the timeout passes).
  if ! as_owner "$d" "$bin/pg_ctl" start -D "$d/data" -l "$d/postgres.log" -o "-p $port" -w -t "${POSTGRES_START_TIMEOUT:-60}" >/dev/null; then
    log "PostgreSQL did not start; tail of $d/postgres.log:"
    tail -n 40 "$d/postgres.log" >&2 || true
    as_owner "$d" "$bin/pg_ctl" stop -D "$d/data" -m immediate >/dev/null 2>&1 || true
    forget "$d"
    return 1
  fi
  pid="$(head -n 1 "$d/data/postmaster.pid")"
  echo "$pid" >"$d/postgres.pid"
  if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t "${POSTGRES_START_TIMEOUT:-60}"; then
    log "PostgreSQL started but does not answer on 127.0.0.1:$port"
    do_stop
    return 1
  fi
  local psql=("$bin/psql" -X -q -At -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -v ON_ERROR_STOP=1)
  export PGPASSWORD
  PGPASSWORD="$(password_of "$d")"
  if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]]; then
    "${psql[@]}" -c "CREATE DATABASE $database"
  fi
  log "PostgreSQL ready on 127.0.0.1:$port in $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, dir $d)"
  settings "$d"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
