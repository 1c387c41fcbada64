# The command line every local server script takes: `<command> [--port N] [--dir DIR]`, plus the
# options a script names in $server_options before calling (e.g. server_options=config for
# `--config FILE`, set as $config; empty when not given). Sourced; the caller defines usage() and log().
# parse_server_args DEFAULT_PORT "$@" sets cmd, port and dir.
parse_server_args() {
  local option
  port="$1"
  shift
  cmd="${1:-}"
  [[ -n "$cmd" ]] || usage
  shift
  dir=""
  for option in ${server_options:-}; do printf -v "$option" '%s' ""; done
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) port="${2:?--port needs a value}"; shift 2 ;;
      --port=*) port="${1#*=}"; shift ;;
      --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
      --dir=*) dir="${1#*=}"; shift ;;
      -h | --help) usage ;;
      *)
        option="${1#--}"
        option="${option%%=*}"
        if [[ "$1" != --* || " ${server_options:-} " != *" $option "* ]]; then
          log "unknown argument: $1"
          usage
        elif [[ "$1" == *=* ]]; then
          printf -v "$option" '%s' "${1#*=}"
          shift
        else
          printf -v "$option" '%s' "${2:?$1 needs a value}"
          shift 2
        fi
        ;;
    esac
  done
  if ! [[ "$port" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    log "bad port: $port"
    exit 2
  fi
}
