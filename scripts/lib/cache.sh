# The per-user cache the servers are built into, so a fresh clone on the same machine only links.
# Sourced; the caller defines log().

cache_root="${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}"

# Takes the build lock of cache directory $1 on fd 9 (one build at a time per cache: parallel test
# runs may all ask), waiting while another build holds it. The caller checks again afterwards.
build_lock() {
  mkdir -p "$1"
  command -v flock >/dev/null || return 0
  exec 9>"$1/../.build.lock"
  if ! flock -n 9; then
    log "another build holds $1/../.build.lock; waiting for it"
    flock 9
  fi
}
