#!/usr/bin/env bash
# Build the real KEDA operator from its Go module (scripts/keda/go.mod) into a per-user cache, and
# print the path of the binary.
#
#   scripts/keda/build.sh          # build if missing, print .../keda-v<version>/bin/keda-operator
#   scripts/keda/build.sh --bin    # print that path, build nothing
#   scripts/keda/build.sh --src    # print the directory of KEDA's module source (go mod download),
#                                  # e.g. for its CRDs in <dir>/config/crd/bases/
#
# Cache: ${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}/keda-v<version>/bin,
# keyed by the KEDA version (read from go.mod) and stamped with a hash of go.mod (comments aside),
# go.sum and the build flags: a fresh clone on the same machine reuses it. Warm, this takes well
# under a second.
#
# Cold on 2 cores this takes 10-20 minutes (a 170 MB binary: KEDA links every scaler's SDK; ~10.5
# min when scripts/k8s/build.sh has already warmed the Go build cache with the packages they share),
# longer than some shells allow a foreground command: run it in the background
# (nohup scripts/keda/build.sh >build.log 2>&1 &) and poll. Needs go >= 1.26 and the Go module proxy.
# Progress goes to stderr; stdout is only the path asked for.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module=github.com/kedacore/keda/v2
pkg=$module/cmd/operator

log() { echo "keda/build.sh: $*" >&2; }

version="$(awk -v m="$module" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$here/go.mod")"
[[ -n "$version" ]] || { log "cannot read the $module version from $here/go.mod"; exit 1; }
# shellcheck source=../lib/cache.sh
source "$here/../lib/cache.sh"
bin="$cache_root/keda-$version/bin"
exe="$bin/keda-operator"

case "${1:-}" in
  "") ;;
  --bin) echo "$exe"; exit 0 ;;
  --src)
    # Resolved inside our module, so go.sum vouches for the download (no checksum database needed).
    dir="$(cd "$here" && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -n "$dir" && -d "$dir" ]] || { log "go mod download gave no directory for $module@$version"; exit 1; }
    echo "$dir"
    exit 0
    ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  *) log "unknown argument: $1"; exit 2 ;;
esac

# The version the operator logs at start ("KEDA Version: ..."), set as KEDA's own Makefile does;
# without it, it says "main". -s -w: no symbol tables or DWARF.
ldflags="-s -w -X $module/version.Version=${version#v}"
# What the binary is built from: the module graph (go.mod without its comment lines, go.sum) and
# the flags.
stamp="$( (grep -v '^[[:space:]]*//' "$here/go.mod"; cat "$here/go.sum"; echo "$ldflags") | sha256sum | cut -c1-16)"
built() { [[ -x "$exe" && "$(cat "$bin/.stamp" 2>/dev/null || true)" == "$stamp" ]]; }

if built; then
  echo "$exe"
  exit 0
fi

build_lock "$bin"
if built; then echo "$exe"; exit 0; fi

command -v go >/dev/null || { log "go not found (install Go >= 1.26)"; exit 1; }
gov="$(go env GOVERSION)"
if [[ ! "$gov" =~ ^go1\.([0-9]+) ]] || ((BASH_REMATCH[1] < 26)); then
  log "Go >= 1.26 needed to build KEDA $version (found $gov)"
  exit 1
fi

rm -f "$exe"
t0=$(date +%s)
log "building KEDA $version operator ($pkg) into $bin (10-20 min cold on 2 cores) ..."
# -trimpath: no local paths in the binary. A temporary name first, so an interrupted build never
# leaves a broken binary behind.
if ! (cd "$here" && go build -trimpath -ldflags="$ldflags" -o "$bin/.keda-operator.partial" "$pkg"); then
  rm -f "$bin/.keda-operator.partial"
  log "building the KEDA operator failed"
  exit 1
fi
mv -f "$bin/.keda-operator.partial" "$exe"
echo "$stamp" >"$bin/.stamp"
log "keda-operator done in $(($(date +%s) - t0)) s ($(du -h "$exe" | cut -f1))"
echo "$exe"
