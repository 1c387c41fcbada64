# Servers the scripts start in the background and find again by a pid file. Sourced; the caller defines log().

# The pid in pid file $1 if that process is alive and its command line contains $2 (a stale pid file
# may name a pid that something else reuses now).
pid_of() {
  local file="$1" mark="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$mark" || return 1
  echo "$pid"
}

# SIGTERM to pid $1, up to $2 seconds (default 20) to exit, then SIGKILL.
stop_pid() {
  local pid="$1" grace="${2:-20}" i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid still alive after $grace s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# Sets variable $1 to the directory the server keeps its files in: --dir ($dir), created if need be,
# as an absolute path; without --dir a fresh temporary directory $2.XXXXXX, marked .temporary so that
# forget_server removes it with the rest.
server_dir() {
  local made
  if [[ -z "$dir" ]]; then
    made="$(mktemp -d "${TMPDIR:-/tmp}/$2.XXXXXX")"
    touch "$made/.temporary"
  else
    mkdir -p "$dir"
    made="$(cd "$dir" && pwd)"
  fi
  printf -v "$1" '%s' "$made"
}

# Forgets the server whose directory is $1 once it no longer runs: drops $state_file and, if server_dir
# made the directory, the directory too; a --dir keeps its data and loses only its pid file $1/$2.
forget_server() {
  local d="$1" pid_file="$2"
  rm -f "$state_file"
  if [[ -n "$d" && -f "$d/.temporary" ]]; then
    rm -rf "$d"
  elif [[ -n "$d" && -d "$d" ]]; then
    rm -f "$d/$pid_file"
  fi
}

# await_ready NAME PID LOG SECONDS CHECK waits until the function CHECK succeeds for the server NAME,
# just started in the background as PID and writing LOG, for up to SECONDS. Returns 1 when the process
# exits first or the time runs out, after saying which with the tail of LOG; cleaning up is the
# caller's (a server that exited leaves only its record, one that hangs needs stopping).
await_ready() {
  local what="$1" pid="$2" log_file="$3" timeout="$4" check="$5" deadline
  deadline=$(($(date +%s) + timeout))
  until "$check"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$what exited while starting; tail of $log_file:"
      tail -n 40 "$log_file" >&2 || true
      return 1
    fi
    if (($(date +%s) > deadline)); then
      log "$what did not become ready within $timeout s; tail of $log_file:"
      tail -n 40 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# Stops the server whose directory is recorded in $state_file, naming it $1 in what it says, with $2
# seconds of grace. The caller defines live_pid (its pid from its directory), forget (drops the record
# and a temporary directory) and $port.
stop_recorded() {
  local what="$1" grace="$2" d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -z "$d" ]]; then
    log "no $what recorded for port $port"
    return 0
  fi
  if ! pid="$(live_pid "$d")"; then
    log "$what on port $port was not running (stale state); cleaned up"
    forget "$d"
    return 0
  fi
  stop_pid "$pid" "$grace"
  forget "$d"
  log "stopped $what on port $port (pid $pid)"
}

# The first thing a start does: 0 when the server recorded for $port already runs (it says so and prints
# its settings; the caller returns), 1 when a new one may start (a stale record dropped). Something else
# holding the port ends the script. The caller defines live_pid, forget, settings, $state_file and $port.
running_or_free() {
  local d
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]]; then
    if live_pid "$d" >/dev/null; then
      log "already running on port $port (dir $d)"
      settings "$d"
      return 0
    fi
    forget "$d"
  fi
  if port_open "$port"; then
    log "port $port on 127.0.0.1 is already in use"
    exit 1
  fi
  return 1
}
