#!/usr/bin/env bash
# Kafka's own tools, run from the jars that scripts/kafka/fetch.sh caches (fetched on first use).
#
#   scripts/kafka/perf.sh producer ARGS...   # kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance)
#   scripts/kafka/perf.sh consumer ARGS...   # kafka-consumer-perf-test (org.apache.kafka.tools.ConsumerPerformance)
#   scripts/kafka/perf.sh topics ARGS...     # kafka-topics            (org.apache.kafka.tools.TopicCommand)
#
# e.g.
#   scripts/kafka/perf.sh topics --bootstrap-server 127.0.0.1:19092 --create --topic perf --partitions 3
#   scripts/kafka/perf.sh producer --topic perf --num-records 200000 --record-size 200 \
#     --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092
#   scripts/kafka/perf.sh consumer --bootstrap-server 127.0.0.1:19092 --topic perf --messages 200000
#
# Environment: KAFKA_VERSION (see fetch.sh), KAFKA_HEAP_OPTS (default -Xmx512m).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

tool="${1:-}"
case "$tool" in
  producer) main=org.apache.kafka.tools.ProducerPerformance ;;
  consumer) main=org.apache.kafka.tools.ConsumerPerformance ;;
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  *) usage ;;
esac
shift

libs="$("$here/fetch.sh")"
# No log4j2 file: its default configuration logs to the console at the level given here.
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx512m} -Djava.awt.headless=true -Dorg.apache.logging.log4j.level=WARN \
  -cp "$libs/*" "$main" "$@"
