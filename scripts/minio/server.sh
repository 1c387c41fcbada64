#!/usr/bin/env bash
# A real MinIO server (single node, single drive) on 127.0.0.1, for integration tests and local runs.
#
#   scripts/minio/server.sh start  [--port N] [--dir DIR]   # default port 19000
#   scripts/minio/server.sh stop   [--port N]
#   scripts/minio/server.sh status [--port N]               # exit 0 running, 3 not running
#
# start builds MinIO first (scripts/minio/build.sh, a no-op once cached), generates credentials, waits
# until the server answers its readiness endpoint, and prints the settings a client needs, one per line:
#   S3_ENDPOINT=http://127.0.0.1:N  AWS_ACCESS_KEY_ID=...  AWS_SECRET_ACCESS_KEY=...  AWS_REGION=us-east-1
# Without --dir the data lives in a fresh temporary directory that stop removes; with --dir it is kept,
# credentials included, and the next start with the same --dir serves the same objects.
#
# Environment: MINIO_START_TIMEOUT (seconds, default 60).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/minio"

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
log() { echo "minio/server.sh: $*" >&2; }
# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"

# shellcheck source=../lib/server-args.sh
source "$here/../lib/server-args.sh"
parse_server_args 19000 "$@"
state_file="$state_root/server.$port.dir"

# The pid of the server whose directory is $1, if it is alive and really is this server.
live_pid() { pid_of "$1/minio.pid" "$1/data"; }

forget() { forget_server "$1" minio.pid; }

settings() {
  local d="$1"
  echo "S3_ENDPOINT=http://127.0.0.1:$port"
  grep -E '^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=' "$d/credentials.env"
  echo "AWS_REGION=us-east-1"
}

ready() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/minio/health/ready"; }

do_status() {
  local d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]] && pid="$(live_pid "$d")"; then
    echo "running: http://127.0.0.1:$port, pid $pid, dir $d"
    return 0
  fi
  echo "not running on port $port"
  return 3
}

do_stop() { stop_recorded MinIO 10; }

do_start() {
  local d pid exe t0
  t0=$(date +%s%N)
  running_or_free && return 0
  exe="$("$here/build.sh")"

  server_dir d "minio-$port"
  mkdir -p "$d/data" "$state_root"
  if [[ ! -s "$d/credentials.env" ]]; then
    # Generated per server; MinIO wants a secret of at least 8 characters.
    (umask 077 && printf 'AWS_ACCESS_KEY_ID=sf%s\nAWS_SECRET_ACCESS_KEY=%s\n' \
      "$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
      "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$d/credentials.env")
  fi
  local user secret
  user="$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$d/credentials.env")"
  secret="$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$d/credentials.env")"

  # No web console, no update checks, no anonymous usage reports, nothing written outside its directory
  # (MinIO would keep its certificates in ~/.minio).
  MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$secret" MINIO_BROWSER=off MINIO_UPDATE=off \
    nohup "$exe" server "$d/data" --address "127.0.0.1:$port" --certs-dir "$d/certs" --quiet --anonymous >"$d/minio.log" 2>&1 &
  pid=$!
  echo "$pid" >"$d/minio.pid"
  echo "$d" >"$state_file"

  if ! await_ready MinIO "$pid" "$d/minio.log" "${MINIO_START_TIMEOUT:-60}" ready; then
    # One that hangs is stopped; one that exited left only its record.
    if kill -0 "$pid" 2>/dev/null; then do_stop; else forget "$d"; fi
    return 1
  fi
  log "MinIO ready on http://127.0.0.1:$port in $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, dir $d)"
  settings "$d"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
