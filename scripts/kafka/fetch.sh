#!/usr/bin/env bash
# Fetch Apache Kafka's jars (broker in KRaft mode, admin and perf tools, log4j2 binding) from
# Maven Central with Maven into .tools/kafka/<version>/libs, and print that directory.
#
#   scripts/kafka/fetch.sh            # KAFKA_VERSION defaults to the pinned release below
#   KAFKA_VERSION=3.9.1 scripts/kafka/fetch.sh
#
# Needs Java 17+ and Maven. Idempotent: a libs directory holding a `.complete` marker is reused.
# Progress goes to stderr; stdout is only the libs directory, so callers can capture it.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
LOG4J_VERSION="${LOG4J_VERSION:-2.25.4}"
SLF4J_VERSION="${SLF4J_VERSION:-2.0.17}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
libs="$root/.tools/kafka/$KAFKA_VERSION/libs"

if [[ -f "$libs/.complete" ]]; then
  echo "$libs"
  exit 0
fi

# One fetch at a time (parallel test runs may all call this); re-check once we hold the lock.
mkdir -p "$root/.tools/kafka"
if command -v flock >/dev/null; then
  exec 9>"$root/.tools/kafka/.fetch.lock"
  flock 9
  if [[ -f "$libs/.complete" ]]; then
    echo "$libs"
    exit 0
  fi
fi

command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (install Maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch.sh: java not found (install a JDK 17+)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Kafka 3.x has no share coordinator module.
modules=(kafka_2.13 kafka-clients kafka-server kafka-server-common kafka-storage kafka-metadata
  kafka-raft kafka-group-coordinator kafka-transaction-coordinator kafka-tools)
case "$KAFKA_VERSION" in
  3.*) ;;
  *) modules+=(kafka-share-coordinator) ;;
esac

deps=""
for m in "${modules[@]}"; do
  deps+="
    <dependency><groupId>org.apache.kafka</groupId><artifactId>$m</artifactId><version>\${kafka.version}</version></dependency>"
done
for m in log4j-api log4j-core log4j-slf4j2-impl; do
  deps+="
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>$m</artifactId><version>\${log4j.version}</version></dependency>"
done
# Kafka's poms declare slf4j-api 1.7.x; the log4j2 binding for slf4j 2 needs the 2.x API (which
# keeps the 1.x calls), so pin it here.
deps+="
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>"

cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.streamforge</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <properties>
    <kafka.version>$KAFKA_VERSION</kafka.version>
    <log4j.version>$LOG4J_VERSION</log4j.version>
  </properties>
  <dependencies>$deps
  </dependencies>
</project>
EOF

echo "fetch.sh: resolving Apache Kafka $KAFKA_VERSION with Maven ..." >&2
rm -rf "$libs" "$libs.partial"
mkdir -p "$libs.partial"
# Runtime scope: compile + runtime dependencies, no test or provided ones.
if ! mvn -B -q -f "$work/pom.xml" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$libs.partial" </dev/null >"$work/mvn.log" 2>&1; then
  tail -n 40 "$work/mvn.log" >&2
  rm -rf "$libs.partial"
  echo "fetch.sh: Maven could not fetch Kafka $KAFKA_VERSION" >&2
  exit 1
fi

# Older log4j 1.x / slf4j bindings pulled in transitively would compete with log4j2.
rm -f "$libs.partial"/slf4j-reload4j-*.jar "$libs.partial"/reload4j-*.jar "$libs.partial"/log4j-1.2-api-*.jar

[[ -f "$libs.partial/kafka_2.13-$KAFKA_VERSION.jar" ]] || {
  echo "fetch.sh: kafka_2.13-$KAFKA_VERSION.jar missing after fetch" >&2
  exit 1
}
touch "$libs.partial/.complete"
mv "$libs.partial" "$libs"
echo "fetch.sh: $(find "$libs" -name '*.jar' | wc -l) jars for Kafka $KAFKA_VERSION in $libs" >&2
echo "$libs"
