# Loopback ports for the local servers the scripts start. Sourced; the caller defines log().

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Set variable $1 to a loopback port that nothing listens on and that this run has not handed out
# yet, below Linux's ephemeral range (32768+) so no outgoing connection holds it. (A port can still
# be taken between this check and the bind; start then fails with the component's log.)
taken_ports=" "
free_port() {
  local p i
  for ((i = 0; i < 500; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ "$taken_ports" == *" $p "* ]] && continue
    port_open "$p" && continue
    taken_ports+="$p "
    printf -v "$1" '%s' "$p"
    return 0
  done
  log "no free loopback port found"
  return 1
}
