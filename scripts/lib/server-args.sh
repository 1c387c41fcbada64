# The command line every local server script takes: `<command> [--port N] [--dir DIR]`. Sourced; the
# caller defines usage() and log(). parse_server_args DEFAULT_PORT "$@" sets cmd, port and dir.
parse_server_args() {
  port="$1"
  shift
  cmd="${1:-}"
  [[ -n "$cmd" ]] || usage
  shift
  dir=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --port=*) port="${1#*=}"; shift ;;
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      --dir=*) dir="${1#*=}"; shift ;;
      -h | --help) usage ;;
      *) log "unknown argument: $1"; usage ;;
    esac
  done
  if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    log "bad port: $port"
    exit 2
  fi
}
