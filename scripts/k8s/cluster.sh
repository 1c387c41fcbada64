#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1 for integration tests and local runs: etcd and
# kube-apiserver, optionally kube-controller-manager and kube-scheduler. No kubelet, no nodes, no
# container runtime: objects are stored, validated (CRD schemas, admission) and, with the
# controllers, reconciled (Jobs get Pods, namespaces get their default ServiceAccount), but no Pod
# runs unless something plays the node.
#
#   scripts/k8s/cluster.sh start [--with-controllers] [--name NAME]   # prints the kubeconfig path
#   scripts/k8s/cluster.sh env    [--name NAME]   # `export KUBECONFIG=...` lines for eval
#   scripts/k8s/cluster.sh status [--name NAME]   # exit 0 running, 3 not running
#   scripts/k8s/cluster.sh stop   [--name NAME]   # stop everything and remove the state dir
#
# start builds the binaries first (scripts/k8s/build.sh: a no-op once cached, ~11 min cold), then
# starts etcd and kube-apiserver on free loopback ports and waits for /readyz (~3.5 s; ~4.5 s with
# the controllers, which are waited for on their /healthz). --name
# (default "default") allows several clusters side by side. All state (etcd data, keys, certs,
# tokens, kubeconfig, logs in <dir>/logs/) lives in a fresh temporary directory that stop removes;
# its path is kept in .tools/k8s/cluster.<name>.dir.
#
# Environment: K8S_WITH_CONTROLLERS=1 (same as --with-controllers), K8S_START_TIMEOUT (seconds,
# default 90), K8S_LOG_LEVEL (klog -v of the components, default 1).
set -Eeuo pipefail # -E: start's ERR trap (tear down what it started) must fire inside functions too

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/k8s"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2
  exit 2
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
name=default
with_controllers="${K8S_WITH_CONTROLLERS:-0}"
[[ "$with_controllers" == 1 || "$with_controllers" == true ]] && with_controllers=1 || with_controllers=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --with-controllers) with_controllers=1; shift ;;
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --name=*) name="${1#*=}"; shift ;;
    -h | --help) usage ;;
    *) echo "cluster.sh: unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "cluster.sh: bad --name: $name" >&2; exit 2; }
state_file="$state_root/cluster.$name.dir"
timeout_s="${K8S_START_TIMEOUT:-90}"
verbosity="${K8S_LOG_LEVEL:-1}"

# Start order.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler)

log() { echo "cluster.sh: $*" >&2; }

# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"

# The pid of component $2 of the cluster in dir $1, if alive and really that component of this
# cluster (a stale pid file may name a pid reused by something else).
live_pid() {
  local d="$1" c="$2" pid
  [[ -f "$d/$c.pid" ]] || return 1
  pid="$(cat "$d/$c.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$d/" || return 1
  echo "$pid"
}

# SIGTERM to the given pids together, then wait up to 20 s for all of them (SIGKILL after that).
stop_pids() {
  local pid i alive
  (($#)) || return 0
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for ((i = 0; i < 200; i++)); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid still alive after 20 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# Stop whatever of cluster dir $1 still runs and remove the dir (only if this script made it).
# The API server and the controllers go together (each takes ~2 s to shut down gracefully), etcd
# last, so the API server never loses its storage while it drains.
teardown() {
  local d="$1" c pid first=()
  for c in kube-scheduler kube-controller-manager kube-apiserver; do
    if pid="$(live_pid "$d" "$c")"; then first+=("$pid"); fi
  done
  stop_pids "${first[@]}"
  if pid="$(live_pid "$d" etcd)"; then stop_pids "$pid"; fi
  rm -f "$state_file"
  if [[ -f "$d/.temporary" ]]; then rm -rf "$d"; fi
}

tail_logs() {
  local d="$1" f
  for f in "$d"/logs/*.log; do
    [[ -s "$f" ]] || continue
    echo "---- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
}

# GET https://127.0.0.1:$1$2 with the cluster's CA (and the admin token when $3 is given); true on
# HTTP 200 with body "ok".
https_ok() {
  local port="$1" path="$2" token="${3:-}" out
  local args=(-s --max-time 3 --cacert "$d/pki/ca.crt")
  # kube-controller-manager and kube-scheduler serve with in-memory self-signed certificates that
  # no file vouches for; their health endpoints carry no secrets.
  [[ "$port" == "$api_port" ]] || args=(-s --max-time 3 -k)
  [[ -z "$token" ]] || args+=(-H "Authorization: Bearer $token")
  out="$(curl "${args[@]}" "https://127.0.0.1:$port$path" 2>/dev/null)" || return 1
  [[ "$out" == ok ]]
}

# Wait until $2 (a command) succeeds, while component $1 stays alive, until the deadline.
wait_for() {
  local c="$1" pid
  shift
  pid="$(cat "$d/$c.pid")"
  while (($(date +%s) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$c exited during startup"
      return 1
    fi
    if "$@"; then return 0; fi
    sleep 0.2
  done
  log "$c was not ready within $timeout_s s"
  return 1
}

# Launch component $1 (binary in $bin) with the remaining arguments, output to logs/$1.log.
launch() {
  local c="$1"
  shift
  # 9>&-: the component must not inherit (and so hold) the start/stop lock.
  nohup "$bin/$c" "$@" </dev/null >"$d/logs/$c.log" 2>&1 9>&- &
  echo $! >"$d/$c.pid"
}

# Read what start recorded in the state dir ($d) into variables.
load_state() {
  api_port="$(cat "$d/api.port")"
  token="$(cat "$d/admin.token")"
  bin="$(cat "$d/bin.dir")"
}

start_controllers() {
  local kcm_port sched_port
  free_port kcm_port
  free_port sched_port
  # The admin kubeconfig (system:masters) for all: these are test clusters. --leader-elect=false:
  # one instance each, no Lease round trips. nodeipam is off: with no --cluster-cidr it has nothing
  # to allocate and only logs errors. The service-account private key lets the token controller
  # sign legacy tokens; --root-ca-file is what Pods would get as ca.crt (kube-root-ca.crt).
  launch kube-controller-manager \
    --kubeconfig="$d/kubeconfig" \
    --authentication-kubeconfig="$d/kubeconfig" \
    --authorization-kubeconfig="$d/kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" \
    --leader-elect=false \
    --controllers='*,-nodeipam' \
    --service-account-private-key-file="$d/pki/sa.key" \
    --root-ca-file="$d/pki/ca.crt" \
    --v="$verbosity"
  launch kube-scheduler \
    --kubeconfig="$d/kubeconfig" \
    --authentication-kubeconfig="$d/kubeconfig" \
    --authorization-kubeconfig="$d/kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" \
    --leader-elect=false \
    --v="$verbosity"
  echo "$kcm_port" >"$d/kube-controller-manager.port"
  echo "$sched_port" >"$d/kube-scheduler.port"
  wait_for kube-controller-manager https_ok "$kcm_port" /healthz || return 1
  wait_for kube-scheduler https_ok "$sched_port" /healthz || return 1
}

do_status() {
  local d pid c out=()
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" ]] || ! pid="$(live_pid "$d" kube-apiserver)"; then
    echo "cluster $name: not running"
    return 3
  fi
  load_state
  for c in "${components[@]}"; do
    if pid="$(live_pid "$d" "$c")"; then out+=("$c=$pid"); fi
  done
  echo "cluster $name: running: https://127.0.0.1:$api_port, kubeconfig $d/kubeconfig, pids ${out[*]}"
}

do_env() {
  local d
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" || ! -f "$d/kubeconfig" ]] || ! live_pid "$d" kube-apiserver >/dev/null; then
    log "cluster $name is not running (scripts/k8s/cluster.sh start)"
    return 3
  fi
  load_state
  echo "export KUBECONFIG='$d/kubeconfig'"
  echo "export K8S_API_SERVER='https://127.0.0.1:$api_port'"
  echo "export K8S_BIN_DIR='$bin'"
}

do_stop() {
  local d
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" ]]; then
    log "no cluster $name recorded"
    return 0
  fi
  teardown "$d"
  log "stopped cluster $name"
}

do_start() {
  local d pid t0 etcd_port peer_port api_port token bin deadline
  t0=$(date +%s%N)

  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]]; then
    if live_pid "$d" kube-apiserver >/dev/null && live_pid "$d" etcd >/dev/null; then
      load_state
      if ((with_controllers)) && ! live_pid "$d" kube-controller-manager >/dev/null; then
        log "cluster $name already runs; adding the controllers"
        deadline=$(($(date +%s) + timeout_s))
        start_controllers || { tail_logs "$d"; return 1; }
      fi
      log "already running: https://127.0.0.1:$api_port (dir $d)"
      echo "$d/kubeconfig"
      return 0
    fi
    log "removing stale state of cluster $name (dir $d)"
    teardown "$d"
  fi

  for tool in curl openssl; do
    command -v "$tool" >/dev/null || { log "$tool not found"; return 1; }
  done
  bin="$("$here/build.sh")"

  d="$(mktemp -d "${TMPDIR:-/tmp}/k8s-$name.XXXXXX")"
  touch "$d/.temporary"
  mkdir -p "$d/logs" "$d/pki"
  mkdir -m 700 "$d/etcd" # etcd warns about a data dir others can read
  chmod 700 "$d"
  echo "$bin" >"$d/bin.dir"
  mkdir -p "$state_root"
  echo "$d" >"$state_file"
  # From here on, any failure tears everything down (keeping the logs' tails on stderr).
  trap 'tail_logs "$d"; teardown "$d"' ERR

  free_port etcd_port
  free_port peer_port
  free_port api_port
  echo "$api_port" >"$d/api.port"
  echo "$etcd_port" >"$d/etcd.port"

  # Credentials: the service-account signing key pair, and a random bearer token for an admin
  # client in system:masters (the only identity; kubeconfig and controllers all use it).
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/pki/sa.key" 2>/dev/null
  openssl pkey -in "$d/pki/sa.key" -pubout -out "$d/pki/sa.pub" 2>/dev/null
  token="$(openssl rand -hex 32)"
  echo "$token" >"$d/admin.token"
  echo "$token,streamforge-admin,streamforge-admin,\"system:masters\"" >"$d/tokens.csv"
  chmod 600 "$d/pki/sa.key" "$d/admin.token" "$d/tokens.csv"

  deadline=$(($(date +%s) + timeout_s))

  # etcd: a single member on loopback. --unsafe-no-fsync: the data dir is thrown away at stop,
  # durability buys nothing and fsync on a busy disk is what makes etcd (and so the API) slow.
  launch etcd \
    --name=streamforge --data-dir="$d/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="streamforge=http://127.0.0.1:$peer_port" --initial-cluster-state=new \
    --unsafe-no-fsync --log-level=warn
  wait_for etcd etcd_ok "$etcd_port"

  # kube-apiserver on 127.0.0.1 only.
  # --advertise-address=127.0.0.1: the default is the host's first interface address.
  # --endpoint-reconciler-type=none: the default (lease) reconciler writes the advertise address
  #   into the default/kubernetes Endpoints, and Endpoints refuse loopback addresses, so with
  #   127.0.0.1 it fails over and over; nothing here needs that Endpoints object.
  # --cert-dir: kube-apiserver generates its own serving certificate (for 127.0.0.1, localhost and
  #   the first service IP) signed by a CA it generates; apiserver.crt holds both, the CA is cut
  #   out of it below for the kubeconfig. --token-auth-file: the admin token above.
  # --service-cluster-ip-range: any private range; no Service IP is ever routed here.
  launch kube-apiserver \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --secure-port="$api_port" \
    --cert-dir="$d/pki/apiserver" \
    --service-account-key-file="$d/pki/sa.pub" \
    --service-account-signing-key-file="$d/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --token-auth-file="$d/tokens.csv" \
    --authorization-mode=Node,RBAC \
    --service-cluster-ip-range=10.96.0.0/16 \
    --profiling=false \
    --v="$verbosity"
  wait_for kube-apiserver test -s "$d/pki/apiserver/apiserver.crt"
  # apiserver.crt is the serving certificate followed by its self-signed CA: keep the last one.
  awk '/-----BEGIN CERTIFICATE-----/ { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' \
    "$d/pki/apiserver/apiserver.crt" >"$d/pki/ca.crt"
  wait_for kube-apiserver https_ok "$api_port" /readyz "$token"

  cat >"$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $d/pki/ca.crt
users:
- name: streamforge-admin
  user:
    token: $token
contexts:
- name: $name
  context:
    cluster: $name
    user: streamforge-admin
current-context: $name
EOF
  chmod 600 "$d/kubeconfig"

  if ((with_controllers)); then start_controllers; fi
  trap - ERR

  log "Kubernetes $(basename "$(dirname "$bin")" | sed 's/^k8s-//') up on https://127.0.0.1:$api_port" \
    "in $((($(date +%s%N) - t0) / 1000000)) ms$( ((with_controllers)) && echo ' with controller-manager and scheduler')" \
    "(etcd 127.0.0.1:$etcd_port, dir $d, kubeconfig $d/kubeconfig)"
  echo "$d/kubeconfig"
}

etcd_ok() { curl -s --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"health":"true"'; }

# One start or stop of a given cluster at a time (parallel test runs may share one).
lock() {
  mkdir -p "$state_root"
  exec 9>"$state_root/cluster.$name.lock"
  if command -v flock >/dev/null; then flock 9; fi
}

case "$cmd" in
  start) lock; do_start ;;
  stop) lock; do_stop ;;
  env) do_env ;;
  status) do_status ;;
  *) usage ;;
esac
