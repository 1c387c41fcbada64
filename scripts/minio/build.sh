#!/usr/bin/env bash
# Build the MinIO server from its Go module into a per-user cache and print the binary's path.
#
#   scripts/minio/build.sh          # build if missing, print .../minio-<version>/bin/minio
#   scripts/minio/build.sh --bin    # print that path, build nothing
#
# MinIO is published as a Go module without replace directives, so `go install module@version`
# builds it. The version is pinned here (MINIO_VERSION overrides it) so every machine runs the same
# server. Cache: ${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}/minio-<version>/bin;
# a fresh clone on the same machine reuses it (warm: well under a second). Cold on 2 cores it takes
# several minutes; run it in the background if your shell limits a foreground command. Needs Go
# >= 1.24 and the Go module proxy. Progress goes to stderr; stdout is only the path.
set -euo pipefail

module=github.com/minio/minio
# The newest version the module proxy serves as of this pin (MinIO tags are not semver, so Go names
# them by commit).
version="${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "minio/build.sh: $*" >&2; }

# shellcheck source=../lib/cache.sh
source "$here/../lib/cache.sh"
bin="$cache_root/minio-$version/bin"
exe="$bin/minio"

case "${1:-}" in
  "") ;;
  --bin) echo "$exe"; exit 0 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  *) log "unknown argument: $1"; exit 2 ;;
esac

[[ -x "$exe" ]] && { echo "$exe"; exit 0; }

build_lock "$bin"
[[ -x "$exe" ]] && { echo "$exe"; exit 0; }

command -v go >/dev/null || { log "go not found (install Go >= 1.24)"; exit 1; }
t0=$(date +%s)
log "building MinIO $version into $bin (several minutes cold on 2 cores) ..."
# Into a temporary directory first, so an interrupted build never leaves a broken binary behind.
# -trimpath: no local paths in the binary; -s -w: no symbol tables or DWARF.
partial="$bin/.partial"
rm -rf "$partial"
if ! GOBIN="$partial" GOFLAGS=-mod=mod go install -trimpath -ldflags='-s -w' "$module@$version"; then
  rm -rf "$partial"
  log "building MinIO failed"
  exit 1
fi
mv -f "$partial/minio" "$exe"
rm -rf "$partial"
log "minio done in $(($(date +%s) - t0)) s ($(du -h "$exe" | cut -f1))"
echo "$exe"
