#!/usr/bin/env bash
# Build Prometheus and promtool from Prometheus's Go module into a per-user cache and print the
# directory holding both.
#
#   scripts/prometheus/build.sh          # build if missing, print .../prometheus-<version>/bin
#   scripts/prometheus/build.sh --bin    # print that directory, build nothing
#
# Why a build when Debian ships Prometheus: Debian's package is built without Kubernetes service
# discovery (its packagers removed it for client-go's dependencies), so `kubernetes_sd_configs` is an
# unknown field to its prometheus and its promtool. This build keeps the file, HTTP and Kubernetes
# discoveries and leaves out the cloud ones (Prometheus's own build tags remove_all_sd and
# enable_kubernetes_sd), which keeps it to a few minutes cold on 2 cores. Its web UI is not compiled in
# (that needs Prometheus's npm build); the HTTP API is all the tests use. scripts/prometheus/server.sh
# runs this build for a configuration that discovers pods through the Kubernetes API, and Debian's
# package otherwise.
#
# Prometheus is published as a Go module without replace or exclude directives (its tags v0.3xx.y are
# Prometheus 3.xx.y), so `go install module/cmd/...@version` builds it. The version is pinned here
# (PROMETHEUS_MODULE_VERSION overrides it). Cache: ${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}/prometheus-<version>/bin;
# warm, this takes well under a second. Needs Go >= 1.26 and the Go module proxy. Progress goes to
# stderr; stdout is only the path.
set -euo pipefail

module=github.com/prometheus/prometheus
version="${PROMETHEUS_MODULE_VERSION:-v0.316.0}"
tags=remove_all_sd,enable_kubernetes_sd

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "prometheus/build.sh: $*" >&2; }

# shellcheck source=../lib/cache.sh
source "$here/../lib/cache.sh"
bin="$cache_root/prometheus-$version/bin"
built() { [[ -x "$bin/prometheus" && -x "$bin/promtool" ]]; }

case "${1:-}" in
  "") ;;
  --bin) echo "$bin"; exit 0 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  *) log "unknown argument: $1"; exit 2 ;;
esac

built && { echo "$bin"; exit 0; }

build_lock "$bin"
built && { echo "$bin"; exit 0; }

command -v go >/dev/null || { log "go not found (install Go >= 1.26)"; exit 1; }
t0=$(date +%s)
log "building Prometheus $version (prometheus, promtool; tags $tags) into $bin (a few minutes cold) ..."
# The version Prometheus reports (--version, prometheus_build_info), set as its own build does.
# -trimpath: no local paths in the binaries; -s -w: no symbol tables or DWARF. Into a temporary
# directory first, so an interrupted build never leaves a broken binary behind.
# Module v0.MNN.P is Prometheus M.NN.P.
n="${version#v0.}"
minor="${n%%.*}"
ldflags="-s -w -X github.com/prometheus/common/version.Version=$((minor / 100)).$((minor % 100)).${n#*.}"
partial="$bin/.partial"
rm -rf "$partial"
if ! GOBIN="$partial" GOFLAGS=-mod=mod go install -trimpath -tags "$tags" -ldflags="$ldflags" \
  "$module/cmd/prometheus@$version" "$module/cmd/promtool@$version"; then
  rm -rf "$partial"
  log "building Prometheus failed"
  exit 1
fi
mv -f "$partial/prometheus" "$partial/promtool" "$bin/"
rm -rf "$partial"
log "prometheus and promtool done in $(($(date +%s) - t0)) s ($(du -h "$bin/prometheus" | cut -f1))"
echo "$bin"
