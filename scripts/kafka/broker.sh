#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker + controller, no ZooKeeper) on
# 127.0.0.1, for integration tests and local runs.
#
#   scripts/kafka/broker.sh start  [--port N] [--dir DIR]   # default port 19092, controller port N+1
#   scripts/kafka/broker.sh stop   [--port N]
#   scripts/kafka/broker.sh status [--port N]               # exit 0 running, 3 not running
#
# start fetches the jars first (scripts/kafka/fetch.sh, a no-op once cached), then waits until the
# broker answers a metadata request. Without --dir the data lives in a fresh temporary directory that
# stop removes; with --dir it is kept (and reused by the next start with the same --dir).
#
# Environment: KAFKA_VERSION (see fetch.sh), KAFKA_HEAP_OPTS (default -Xms128m -Xmx512m),
# KAFKA_LOG_LEVEL (root level of <dir>/broker.log, default INFO), KAFKA_START_TIMEOUT (seconds, 60).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state_root="$root/.tools/kafka"

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

log() { echo "broker.sh: $*" >&2; }
# shellcheck source=../lib/server-args.sh
source "$here/../lib/server-args.sh"
parse_server_args 19092 "$@"
# The controller listens on the next port.
if ((port > 65534)); then
  log "bad port: $port"
  exit 2
fi
cport=$((port + 1))
state_file="$state_root/broker.$port.dir"

# shellcheck source=../lib/ports.sh
source "$here/../lib/ports.sh"
# shellcheck source=../lib/processes.sh
source "$here/../lib/processes.sh"

# The pid of the broker whose data directory is $1, if it is alive and really is this broker.
live_pid() { pid_of "$1/broker.pid" "$1/server.properties"; }

forget() { forget_server "$1" broker.pid; }

tail_log() {
  local d="$1"
  for f in "$d/broker.log" "$d/broker.out"; do
    if [[ -s "$f" ]]; then
      echo "---- tail of $f" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

# One real request: the broker must answer Metadata. kafkajs when the project has it installed
# (fast), Kafka's own TopicCommand otherwise.
metadata_ok() {
  local libs="$1" nodebin=""
  if [[ -x "$root/node_modules/.bin/node" ]]; then nodebin="$root/node_modules/.bin/node"
  elif command -v node >/dev/null; then nodebin="$(command -v node)"; fi
  if [[ -n "$nodebin" && -f "$root/node_modules/kafkajs/package.json" ]]; then
    (cd "$root" && timeout 20 "$nodebin" -e '
      const { Kafka, logLevel } = require("kafkajs");
      const admin = new Kafka({ clientId: "broker-sh", brokers: [process.argv[1]], logLevel: logLevel.NOTHING,
        retry: { retries: 0 }, connectionTimeout: 3000, requestTimeout: 5000 }).admin();
      admin.connect().then(() => admin.listTopics()).then(
        () => admin.disconnect().then(() => process.exit(0)),
        () => process.exit(1));
    ' "127.0.0.1:$port") >/dev/null 2>&1
  else
    timeout 30 java -Xmx128m -cp "$libs/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$port" --list >/dev/null 2>&1
  fi
}

do_status() {
  local d pid
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]] && pid="$(live_pid "$d")"; then
    echo "running: 127.0.0.1:$port (controller $cport), pid $pid, dir $d"
    return 0
  fi
  echo "not running on port $port"
  return 3
}

do_stop() { stop_recorded broker 20; }

do_start() {
  local d pid libs cid started why t0 deadline temporary=0
  t0=$(date +%s%N)

  # Already running, or stale state from an earlier run?
  d="$(cat "$state_file" 2>/dev/null || true)"
  if [[ -n "$d" ]]; then
    if pid="$(live_pid "$d")"; then
      log "already running: 127.0.0.1:$port, pid $pid, dir $d"
      echo "127.0.0.1:$port"
      return 0
    fi
    log "removing stale state for port $port (dir $d)"
    forget "$d"
  fi
  if [[ -n "$dir" ]] && pid="$(live_pid "$(cd "$dir" 2>/dev/null && pwd || echo "$dir")")"; then
    log "a broker (pid $pid) already runs in $dir"
    return 1
  fi
  for p in "$port" "$cport"; do
    if port_open "$p"; then
      log "port $p on 127.0.0.1 is already in use"
      return 1
    fi
  done

  command -v java >/dev/null || { log "java not found (install a JDK 17+)"; return 1; }
  libs="$("$here/fetch.sh")"

  server_dir d "kafka-$port"
  [[ -n "$dir" ]] || temporary=1

  cat >"$d/server.properties" <<EOF
# Single-node KRaft server (broker + controller) written by scripts/kafka/broker.sh
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$d/data
num.partitions=3
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF

  cat >"$d/log4j2.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <File name="file" fileName="$d/broker.log">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="${KAFKA_LOG_LEVEL:-INFO}"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.log.LogCleaner" level="WARN"/>
    <Logger name="org.apache.kafka.storage.internals.log" level="WARN"/>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
    <Logger name="org.apache.kafka.common.config" level="WARN"/>
    <Logger name="org.apache.kafka.common.metrics" level="WARN"/>
    <Logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
  </Loggers>
</Configuration>
EOF

  # Format the storage once (a reused --dir keeps its cluster id and data).
  if [[ ! -f "$d/data/meta.properties" ]]; then
    # What `kafka-storage random-uuid` prints: 16 random bytes, base64url without padding. One in 64
    # starts with '-', which the option parser would read as a flag: hence --cluster-id=<id>.
    cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    if ! java -cp "$libs/*" kafka.tools.StorageTool format --cluster-id="$cid" -c "$d/server.properties" \
      >"$d/format.log" 2>&1; then
      log "formatting the storage failed:"
      cat "$d/format.log" >&2
      ((temporary)) && rm -rf "$d"
      return 1
    fi
  fi

  # shellcheck disable=SC2086
  nohup java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$d/log4j2.xml" -Dkafka.logs.dir="$d" \
    -cp "$libs/*" kafka.Kafka "$d/server.properties" \
    </dev/null >"$d/broker.out" 2>&1 &
  pid=$!
  echo "$pid" >"$d/broker.pid"
  mkdir -p "$state_root"
  echo "$d" >"$state_file"

  deadline=$(($(date +%s) + ${KAFKA_START_TIMEOUT:-60}))
  started=0
  why="did not come up on 127.0.0.1:$port within ${KAFKA_START_TIMEOUT:-60} s"
  while (($(date +%s) < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      why="exited during startup"
      break
    fi
    if port_open "$port" && metadata_ok "$libs"; then
      started=1
      break
    fi
    sleep 0.5
  done
  if ((!started)); then
    log "the broker $why"
    tail_log "$d"
    kill -KILL "$pid" 2>/dev/null || true
    if ((temporary)); then
      rm -f "$state_file"
      log "(data kept for inspection in $d)"
      rm -f "$d/.temporary"
    else
      forget "$d"
    fi
    return 1
  fi
  log "Kafka $(basename "$(dirname "$libs")") up on 127.0.0.1:$port in $((($(date +%s%N) - t0) / 1000000)) ms" \
    "(pid $pid, dir $d, log $d/broker.log)"
  echo "127.0.0.1:$port"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  *) usage ;;
esac
