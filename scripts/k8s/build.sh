#!/usr/bin/env bash
# Build the real Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl) and etcd from their Go modules (scripts/k8s/go.mod) into a per-user cache, and print the
# bin directory.
#
#   scripts/k8s/build.sh                    # all five binaries
#   scripts/k8s/build.sh kube-apiserver etcd   # only these
#   scripts/k8s/build.sh --dir              # print the bin directory, build nothing
#
# Cache: ${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}/k8s-v<version>/bin.
# It is keyed by the Kubernetes version (read from go.mod) and stamped with a hash of go.mod (comments
# aside), go.sum and the build flags: a fresh clone on the same machine reuses it, a changed module
# graph rebuilds. A binary already in the cache is never rebuilt, so a warm call takes well under a
# second. The STREAMFORGE_CACHE override is for tests of the scripts and CI caches.
#
# Cold on 2 cores, about 11 min for all five: kube-apiserver ~7.5 min, kube-controller-manager ~2,
# the others under a minute each (they share most of the build cache). That is longer than some
# shells allow a foreground command: run a cold build in the background
# (nohup scripts/k8s/build.sh >build.log 2>&1 &) and poll. Needs go >= 1.26 and the
# Go module proxy. Progress goes to stderr; stdout is only the bin directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
all=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)

log() { echo "k8s/build.sh: $*" >&2; }

# The Go package of each binary (all are `tool` directives in go.mod).
pkg_of() {
  case "$1" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) echo "k8s.io/kubernetes/cmd/$1" ;;
    etcd) echo "go.etcd.io/etcd/server/v3" ;; # etcd's server module is itself the `etcd` main package
    *) return 1 ;;
  esac
}

version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$here/go.mod")"
[[ -n "$version" ]] || { log "cannot read the k8s.io/kubernetes version from $here/go.mod"; exit 1; }
# shellcheck source=../lib/cache.sh
source "$here/../lib/cache.sh"
bin="$cache_root/k8s-$version/bin"

want=()
for a in "$@"; do
  case "$a" in
    --dir) echo "$bin"; exit 0 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
    *) pkg_of "$a" >/dev/null || { log "unknown binary: $a (one of: ${all[*]})"; exit 2; }; want+=("$a") ;;
  esac
done
((${#want[@]})) || want=("${all[@]}")

# The version the binaries report (`kubectl version`, /version, client-go's user agent), set the
# way Kubernetes' own hack/lib/version.sh does; without it they all say v0.0.0-master+$Format:%H$,
# which kubectl refuses to parse. -s -w: no symbol tables or DWARF (roughly halves the binaries).
if [[ ! "$version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
  log "unexpected k8s.io/kubernetes version in go.mod: $version"
  exit 1
fi
ldflags="-s -w"
for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $p.gitVersion=$version -X $p.gitMajor=${BASH_REMATCH[1]} -X $p.gitMinor=${BASH_REMATCH[2]}"
  ldflags+=" -X $p.gitTreeState=clean"
done

# What the binaries are built from: the module graph (go.mod without its comment lines, go.sum) and
# the flags.
stamp="$( (grep -v '^[[:space:]]*//' "$here/go.mod"; cat "$here/go.sum"; echo "$ldflags") | sha256sum | cut -c1-16)"

missing() {
  local b
  [[ "$(cat "$bin/.stamp" 2>/dev/null || true)" == "$stamp" ]] || { echo "${want[@]}"; return; }
  for b in "${want[@]}"; do [[ -x "$bin/$b" ]] || echo "$b"; done
}

todo="$(missing)"
if [[ -z "$todo" ]]; then
  echo "$bin"
  exit 0
fi

build_lock "$bin"
todo="$(missing)"
[[ -n "$todo" ]] || { echo "$bin"; exit 0; }

command -v go >/dev/null || { log "go not found (install Go >= 1.26)"; exit 1; }
gov="$(go env GOVERSION)"
if [[ ! "$gov" =~ ^go1\.([0-9]+) ]] || ((BASH_REMATCH[1] < 26)); then
  log "Go >= 1.26 needed to build Kubernetes $version (found $gov)"
  exit 1
fi

# A different module graph (edited go.mod/go.sum) or flags invalidate everything built before.
if [[ "$(cat "$bin/.stamp" 2>/dev/null || true)" != "$stamp" ]]; then
  rm -f "${all[@]/#/$bin/}"
  echo "$stamp" >"$bin/.stamp"
fi

log "building Kubernetes $version binaries into $bin: ${todo//$'\n'/ }"
total0=$(date +%s)
for b in $todo; do
  t0=$(date +%s)
  log "  $b ($(pkg_of "$b")) ..."
  # -trimpath: no local paths in the binaries. Writes to a temporary name first so an interrupted
  # build never leaves a broken binary behind.
  if ! (cd "$here" && go build -trimpath -ldflags="$ldflags" -o "$bin/.$b.partial" "$(pkg_of "$b")"); then
    rm -f "$bin/.$b.partial"
    log "building $b failed"
    exit 1
  fi
  mv -f "$bin/.$b.partial" "$bin/$b"
  log "  $b done in $(($(date +%s) - t0)) s ($(du -h "$bin/$b" | cut -f1))"
done
log "all built in $(($(date +%s) - total0)) s"
echo "$bin"
