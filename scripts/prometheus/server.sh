#!/usr/bin/env bash
# A real Prometheus server on 127.0.0.1, for integration tests and local runs.
#
#   scripts/prometheus/server.sh start  [--port N] [--dir DIR] [--config FILE]   # default port 19090
#   scripts/prometheus/server.sh stop   [--port N]
#   scripts/prometheus/server.sh status [--port N]               # exit 0 running, 3 not running
#
# start runs Prometheus on 127.0.0.1 only with --web.enable-lifecycle (POST /-/reload reads the
# configuration again), waits until /-/ready answers and prints the one setting a client needs:
#   PROMETHEUS_URL=http://127.0.0.1:N
# --config defaults to observability/prometheus/local.yml, which scrapes `streamforge up` (npm start)
# on 127.0.0.1:8080. Prometheus reads paths in a configuration (file_sd files, rule files) relative to
# the configuration's directory. Without --dir the TSDB lives in a fresh temporary directory that stop
# removes; with --dir it is kept, and the next start with the same --dir serves the same series.
#
# The binary: Debian's package (/usr/bin/prometheus), or, for a configuration with
# kubernetes_sd_configs (which Debian's build leaves out), Prometheus built from its Go module by
# scripts/prometheus/build.sh (a few minutes once, then cached). Debian's package may start a service of
# its own on port 9090; nothing here uses or depends on it.
#
# Environment: PROMETHEUS_START_TIMEOUT (seconds, default 60).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/prometheus"
debian_prometheus=/usr/bin/prometheus

usage() {
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
log() { echo "prometheus/server.sh: $*" >&2; }
# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"

# shellcheck source=../lib/server-args.sh
source "$here/../lib/server-args.sh"
server_options=config
parse_server_args 19090 "$@"
state_file="$state_root/server.$port.dir"

# The pid of the server whose directory is $1, if it is alive and really is this server.
live_pid() { pid_of "$1/prometheus.pid" "$1/data"; }

forget() { forget_server "$1" prometheus.pid; }

settings() { echo "PROMETHEUS_URL=http://127.0.0.1:$port"; }

ready() { curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/-/ready"; }

# The Prometheus that can run configuration $1.
executable() {
  if grep -q 'kubernetes_sd_configs' "$1"; then
    log "$1 discovers pods through the Kubernetes API, which Debian's package is built without: using Prometheus built from its Go module"
    echo "$("$here/build.sh")/prometheus"
    return
  fi
  if [[ ! -x "$debian_prometheus" ]]; then
    log "Prometheus is missing (no $debian_prometheus):"
    log "install Debian's package: apt-get install prometheus"
    return 1
  fi
  echo "$debian_prometheus"
}

do_status() {
  local d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]] && pid="$(live_pid "$d")"; then
    echo "running: http://127.0.0.1:$port, pid $pid, dir $d, config $(cat "$d/config.path")"
    return 0
  fi
  echo "not running on port $port"
  return 3
}

do_stop() { stop_recorded Prometheus 20; }

do_start() {
  local d pid exe t0 file
  t0=$(date +%s%N)
  running_or_free && return 0
  file="${config:-$root/observability/prometheus/local.yml}"
  if [[ ! -f "$file" ]]; then
    log "no configuration file: $file"
    return 1
  fi
  file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
  exe="$(executable "$file")"

  server_dir d "prometheus-$port"
  mkdir -p "$d/data" "$state_root"
  echo "$file" >"$d/config.path"

  nohup "$exe" --config.file="$file" --web.listen-address="127.0.0.1:$port" --storage.tsdb.path="$d/data" \
    --web.enable-lifecycle >"$d/prometheus.log" 2>&1 &
  pid=$!
  echo "$pid" >"$d/prometheus.pid"
  echo "$d" >"$state_file"

  if ! await_ready Prometheus "$pid" "$d/prometheus.log" "${PROMETHEUS_START_TIMEOUT:-60}" ready; then
    # One that hangs is stopped; one that exited left only its record.
    if kill -0 "$pid" 2>/dev/null; then do_stop; else forget "$d"; fi
    return 1
  fi
  log "Prometheus ready on http://127.0.0.1:$port in $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, dir $d, config $file)"
  settings
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
