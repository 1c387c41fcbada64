#!/usr/bin/env bash
# The real KEDA operator as a plain process (no Pod) against a local API server from
# scripts/k8s/cluster.sh, watching every namespace, bound to 127.0.0.1 only.
#
#   scripts/keda/operator.sh start  [--name NAME]   # NAME: the cluster.sh cluster (default "default")
#   scripts/keda/operator.sh stop   [--name NAME]
#   scripts/keda/operator.sh status [--name NAME]   # exit 0 running, 3 not running
#
# start builds the operator first (scripts/keda/build.sh: a no-op once cached, ~20 min cold),
# installs KEDA's CRDs if the cluster lacks them (scripts/k8s/crds.sh install keda), creates the
# namespace keda, and waits until the operator's readiness probe answers and its controllers have
# started (~5-10 s). Uses $KUBECONFIG if set, else the cluster.sh cluster NAME. State (certs, log
# <dir>/operator.log) lives in a temporary directory that stop removes; its path is kept in
# .tools/keda/operator.<name>.dir.
#
# Environment: KEDA_LOG_LEVEL (zap level: debug, info, error; default info), KEDA_START_TIMEOUT
# (seconds, default 90).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/keda"
namespace=keda

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
name=default
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --name=*) name="${1#*=}"; shift ;;
    -h | --help) usage ;;
    *) echo "operator.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "operator.sh: bad --name: $name" >&2; exit 2; }
state_file="$state_root/operator.$name.dir"
timeout_s="${KEDA_START_TIMEOUT:-90}"

log() { echo "operator.sh: $*" >&2; }

# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"

live_pid() { pid_of "$1/operator.pid" "--cert-dir=$1/certs"; }

teardown() {
  local d="$1" pid
  if pid="$(live_pid "$d")"; then stop_pid "$pid" 20; fi
  rm -f "$state_file"
  if [[ -f "$d/.temporary" ]]; then rm -rf "$d"; fi
}

do_status() {
  local d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]] && pid="$(live_pid "$d")"; then
    echo "keda-operator ($name): running, pid $pid, health http://127.0.0.1:$(cat "$d/health.port"), log $d/operator.log"
    return 0
  fi
  echo "keda-operator ($name): not running"
  return 3
}

do_stop() {
  local d
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" ]]; then
    log "no operator recorded for cluster $name"
    return 0
  fi
  teardown "$d"
  log "stopped the KEDA operator ($name)"
}

do_start() {
  local d pid exe kubectl t0 deadline metrics_port health_port grpc_port started=0 why env_lines
  t0=$(date +%s%N)
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]]; then
    if pid="$(live_pid "$d")"; then
      log "already running: pid $pid (log $d/operator.log)"
      return 0
    fi
    teardown "$d"
  fi

  exe="$("$here/build.sh")"
  kubectl="$("$root/scripts/k8s/build.sh" kubectl)/kubectl"
  if [[ -z "${KUBECONFIG:-}" ]]; then
    # (A failed command substitution inside eval's argument would go unnoticed: eval "" succeeds.)
    env_lines="$("$root/scripts/k8s/cluster.sh" env --name "$name")" || return 1
    eval "$env_lines"
  fi
  export KUBECONFIG

  # The operator exits at once without its CRDs; installing them is idempotent and quick.
  if ! "$kubectl" get crd scaledjobs.keda.sh scaledobjects.keda.sh >/dev/null 2>&1; then
    "$root/scripts/k8s/crds.sh" install keda --name "$name" >/dev/null
  fi
  "$kubectl" create namespace "$namespace" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null

  d="$(mktemp -d "${TMPDIR:-/tmp}/keda-$name.XXXXXX")"
  touch "$d/.temporary"
  chmod 700 "$d"
  mkdir -p "$d/certs" "$state_root"
  echo "$d" >"$state_file"

  # With --enable-cert-rotation=false the operator still loads tls.crt/tls.key (its gRPC metrics
  # service) and ca.crt from these directories: a self-signed pair, as KEDA's BUILD.md describes.
  if ! openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=keda-operator" \
    -addext "subjectAltName=DNS:localhost,DNS:keda-operator.$namespace.svc,IP:127.0.0.1" \
    -keyout "$d/certs/tls.key" -out "$d/certs/tls.crt" >/dev/null 2>&1; then
    log "openssl could not make the operator's certificate"
    teardown "$d"
    return 1
  fi
  cp "$d/certs/tls.crt" "$d/certs/ca.crt"

  free_port metrics_port
  free_port health_port
  free_port grpc_port
  echo "$health_port" >"$d/health.port"

  # WATCH_NAMESPACE="" watches all namespaces; the operator refuses to start without it or without
  # KEDA_CLUSTER_OBJECT_NAMESPACE (where cluster-scoped objects' secrets live). By default it binds
  # :8080, :8081 and :9666 on every interface: all three are pinned to loopback ports here.
  WATCH_NAMESPACE="" KEDA_CLUSTER_OBJECT_NAMESPACE="$namespace" POD_NAMESPACE="$namespace" \
    nohup "$exe" \
    --leader-elect=false \
    --enable-cert-rotation=false \
    --cert-dir="$d/certs" --ca-dir="$d/certs" \
    --metrics-bind-address="127.0.0.1:$metrics_port" \
    --health-probe-bind-address="127.0.0.1:$health_port" \
    --metrics-service-bind-address="127.0.0.1:$grpc_port" \
    --zap-log-level="${KEDA_LOG_LEVEL:-info}" \
    </dev/null >"$d/operator.log" 2>&1 &
  pid=$!
  echo "$pid" >"$d/operator.pid"

  deadline=$(($(date +%s) + timeout_s))
  why="was not ready within $timeout_s s"
  while (($(date +%s) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      why="exited during startup"
      break
    fi
    # Ready: the readiness probe answers, and the ScaledJob and ScaledObject controllers run.
    if curl -sf --max-time 2 "http://127.0.0.1:$health_port/readyz" >/dev/null 2>&1 &&
      grep -q '"Starting workers".*"controller": *"scaledjob"' "$d/operator.log" &&
      grep -q '"Starting workers".*"controller": *"scaledobject"' "$d/operator.log"; then
      started=1
      break
    fi
    sleep 0.3
  done
  if ((!started)); then
    log "the KEDA operator $why; tail of $d/operator.log:"
    tail -n 40 "$d/operator.log" >&2
    teardown "$d"
    return 1
  fi
  log "KEDA operator up in $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, health 127.0.0.1:$health_port," \
    "metrics 127.0.0.1:$metrics_port, gRPC 127.0.0.1:$grpc_port, log $d/operator.log)"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
