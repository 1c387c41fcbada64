#!/usr/bin/env bash
# Install the CustomResourceDefinitions of the platform's components into a running API server
# (scripts/k8s/cluster.sh), taken from each project's own published package. None is written by hand.
#
#   scripts/k8s/crds.sh install [SET...] [--name NAME]   # SET: keda serving eventing strimzi prometheus (default: all)
#   scripts/k8s/crds.sh files   [SET...]                 # print the CRD files, install nothing
#
# Where each set comes from:
#   keda      github.com/kedacore/keda/v2 v2.21.0, Go module (the version pinned in scripts/keda/go.mod,
#             verified by its go.sum): config/crd/bases/*.yaml (6 CRDs, keda.sh + eventing.keda.sh).
#   serving   knative.dev/serving v0.51.0, Go module (checksum database verified, h1 pinned below):
#             config/core/300-resources/*.yaml (7 CRDs, serving.knative.dev + autoscaling.internal).
#   eventing  knative.dev/eventing v0.42.2 (Knative 1.15), Go module: config/core/resources/*.yaml
#             (13 CRDs). The only version the module proxy serves; the checksum database has no record
#             of it, so the download is checked against the h1 hash pinned below instead.
#   strimzi   io.strimzi:api 1.2.0 + io.strimzi:crd-generator 1.2.0, Maven Central (not a Go
#             module). Strimzi's CRD YAMLs are not shipped in any artifact: its build generates
#             them from the model classes in io.strimzi:api with io.strimzi.crdgenerator.CrdGenerator
#             (the `generate-crd-co-install-v1` execution in api/pom.xml, which writes
#             packaging/install/cluster-operator/04x-Crd-*.yaml). This runs that same generator with
#             the same arguments (10 CRDs, kafka.strimzi.io/v1 and core.strimzi.io/v1). Needs Maven and
#             a Java >= 21 (the jars are class file 65); found on PATH, JAVA_HOME, STRIMZI_JAVA or
#             /usr/lib/jvm/*.
#   prometheus github.com/prometheus-operator/prometheus-operator v0.85.0, Go module (checksum database
#             verified, h1 pinned below): example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml
#             (the PrometheusRule CRD only: the platform ships alert rules, not Prometheus itself).
# Not installed, because no registry reachable here serves them:
#   KafkaSource (knative.dev/eventing-kafka-broker): the Go module proxy refuses the version list
#             and every version tried (v0.37.0, v0.42.0-3, v0.42.5, v0.44.2, v0.46.2, v0.48.2, v0.51.0),
#             and the older knative.dev/eventing-kafka too.
#   kube-arangodb (github.com/arangodb/kube-arangodb): the proxy refuses its version list and the
#             versions tried (v1.2.32, 1.2.32, v1.3.0); its release tags are not semver (no "v"), so
#             the Go module has no releases; no other registry carries its CRDs.
#
# Downloads are cached: Go modules in the Go module cache, Strimzi's jars in ~/.m2, the generated
# Strimzi CRDs in ${STREAMFORGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamforge}/strimzi-<v>/crds.
# install uses $KUBECONFIG if set, else the cluster that scripts/k8s/cluster.sh started (--name),
# applies server-side (the Strimzi Kafka CRD is too large for client-side apply's annotation) and
# waits until every CRD is Established. Idempotent.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/cache.sh
source "$here/../lib/cache.sh"

SERVING_MODULE=knative.dev/serving SERVING_VERSION=v0.51.0
SERVING_SUM='h1:yN2Q7eYqJgoPfZkATjoBZyGbZ2P1Qhns9HIMU4mF+to='
EVENTING_MODULE=knative.dev/eventing EVENTING_VERSION=v0.42.2
EVENTING_SUM='h1:eDfEmOTiqb/GikfwUPb6O6VvXkpqtpHCzihxP6D4Fek='
STRIMZI_VERSION=1.2.0
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator PROMETHEUS_OPERATOR_VERSION=v0.85.0
PROMETHEUS_OPERATOR_SUM='h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s='

all_sets=(keda serving eventing strimzi prometheus)

log() { echo "crds.sh: $*" >&2; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" >&2; exit 2; }

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
name=default
sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --name=*) name="${1#*=}"; shift ;;
    keda | serving | eventing | strimzi | prometheus) sets+=("$1"); shift ;;
    -h | --help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
done
((${#sets[@]})) || sets=("${all_sets[@]}")

# The directory of Go module $1@$2 in the module cache, downloading it if needed, after checking
# that its hash is $3. $4 = nosumdb: the checksum database has no record of this version, so it is
# not asked (the pinned hash is what vouches for the content).
go_module_dir() {
  local mod="$1" ver="$2" sum="$3" nosumdb="${4:-}" json got dir tmp
  command -v go >/dev/null || { log "go not found"; return 1; }
  # Outside any module (a temporary directory), so no go.mod around changes the resolution.
  tmp="$(mktemp -d)"
  if [[ "$nosumdb" == nosumdb ]]; then
    json="$(cd "$tmp" && GOFLAGS=-mod=mod GONOSUMDB="$mod" go mod download -json "$mod@$ver" 2>&1)" || true
  else
    json="$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "$mod@$ver" 2>&1)" || true
  fi
  rmdir "$tmp"
  got="$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' <<<"$json")"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    log "could not download $mod@$ver:"
    echo "$json" >&2
    return 1
  fi
  if [[ "$got" != "$sum" ]]; then
    log "$mod@$ver has hash $got, expected $sum: refusing it"
    return 1
  fi
  echo "$dir"
}

# A java binary of version >= 21 (Strimzi's generator is compiled for Java 21).
java21() {
  local j v
  for j in ${STRIMZI_JAVA:+"$STRIMZI_JAVA"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$j" && -x "$j" ]] || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
    if [[ "$v" =~ ^[0-9]+$ ]] && ((v >= 21)); then
      echo "$j"
      return 0
    fi
  done
  return 1
}

# Strimzi's CRDs, generated once per version into the cache; prints the directory.
strimzi_dir() {
  local base="$cache_root/strimzi-$STRIMZI_VERSION" java work m args=()
  if [[ -f "$base/crds/.complete" ]]; then
    echo "$base/crds"
    return 0
  fi
  command -v mvn >/dev/null || { log "mvn not found (install Maven)"; return 1; }
  java="$(java21)" || { log "Strimzi's CRD generator needs Java >= 21 (set STRIMZI_JAVA to one)"; return 1; }
  mkdir -p "$base"
  exec 8>"$base/.lock"
  command -v flock >/dev/null && flock 8
  if [[ -f "$base/crds/.complete" ]]; then
    echo "$base/crds"
    return 0
  fi
  work="$(mktemp -d)"
  log "fetching io.strimzi:api and io.strimzi:crd-generator $STRIMZI_VERSION with Maven ..."
  cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.streamforge</groupId>
  <artifactId>strimzi-crds</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$STRIMZI_VERSION</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$STRIMZI_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  if ! mvn -B -q -f "$work/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$work/libs" </dev/null >"$work/mvn.log" 2>&1; then
    tail -n 30 "$work/mvn.log" >&2
    rm -rf "$work"
    log "Maven could not fetch Strimzi $STRIMZI_VERSION"
    return 1
  fi
  # The arguments of Strimzi's api/pom.xml execution `generate-crd-co-install-v1` (1.2.0), with
  # the output files of packaging/install/cluster-operator/.
  m=io.strimzi.api.kafka.model
  args=(--label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml
    "$m.kafka.Kafka=$work/crds/040-Crd-kafka.yaml"
    "$m.connect.KafkaConnect=$work/crds/041-Crd-kafkaconnect.yaml"
    "$m.topic.KafkaTopic=$work/crds/043-Crd-kafkatopic.yaml"
    "$m.user.KafkaUser=$work/crds/044-Crd-kafkauser.yaml"
    "$m.bridge.KafkaBridge=$work/crds/046-Crd-kafkabridge.yaml"
    "$m.connector.KafkaConnector=$work/crds/047-Crd-kafkaconnector.yaml"
    "$m.mirrormaker2.KafkaMirrorMaker2=$work/crds/048-Crd-kafkamirrormaker2.yaml"
    "$m.rebalance.KafkaRebalance=$work/crds/049-Crd-kafkarebalance.yaml"
    "$m.podset.StrimziPodSet=$work/crds/042-Crd-strimzipodset.yaml"
    "$m.nodepool.KafkaNodePool=$work/crds/045-Crd-kafkanodepool.yaml")
  mkdir -p "$work/crds"
  log "generating Strimzi $STRIMZI_VERSION CRDs with its CrdGenerator ($java)"
  if ! "$java" -cp "$work/libs/*" io.strimzi.crdgenerator.CrdGenerator "${args[@]}" >"$work/gen.log" 2>&1; then
    cat "$work/gen.log" >&2
    rm -rf "$work"
    log "Strimzi's CRD generator failed"
    return 1
  fi
  if [[ "$(find "$work/crds" -name '*.yaml' -size +0 | wc -l)" != 10 ]]; then
    cat "$work/gen.log" >&2
    rm -rf "$work"
    log "Strimzi's CRD generator did not write the 10 CRDs"
    return 1
  fi
  rm -rf "$base/crds"
  touch "$work/crds/.complete"
  mv "$work/crds" "$base/crds"
  rm -rf "$work"
  echo "$base/crds"
}

# The CRD files of set $1, one per line.
files_of() {
  local dir pattern='*.yaml'
  case "$1" in
    keda) dir="$("$here/../keda/build.sh" --src)/config/crd/bases" ;;
    serving) dir="$(go_module_dir "$SERVING_MODULE" "$SERVING_VERSION" "$SERVING_SUM")/config/core/300-resources" ;;
    eventing) dir="$(go_module_dir "$EVENTING_MODULE" "$EVENTING_VERSION" "$EVENTING_SUM" nosumdb)/config/core/resources" ;;
    strimzi) dir="$(strimzi_dir)" ;;
    prometheus)
      dir="$(go_module_dir "$PROMETHEUS_OPERATOR_MODULE" "$PROMETHEUS_OPERATOR_VERSION" "$PROMETHEUS_OPERATOR_SUM")/example/prometheus-operator-crd"
      pattern='monitoring.coreos.com_prometheusrules.yaml'
      ;;
  esac
  [[ -d "$dir" ]] || { log "no CRD directory for $1"; return 1; }
  # shellcheck disable=SC2086 # the pattern is a glob on purpose
  ls "$dir"/$pattern
}

do_files() {
  local s
  for s in "${sets[@]}"; do files_of "$s"; done
}

do_install() {
  local bin kubectl s file set_files=() files=() names=() args=() out t0 env_lines
  t0=$(date +%s)
  bin="$("$here/build.sh" kubectl)"
  kubectl="$bin/kubectl"
  if [[ -z "${KUBECONFIG:-}" ]]; then
    # (A failed command substitution inside eval's argument would go unnoticed: eval "" succeeds.)
    env_lines="$("$here/cluster.sh" env --name "$name")" || return 1
    eval "$env_lines"
  fi
  for s in "${sets[@]}"; do
    mapfile -t set_files < <(files_of "$s")
    ((${#set_files[@]})) || { log "no CRD files for $s"; return 1; }
    files+=("${set_files[@]}")
    log "$s: ${#set_files[@]} files"
  done
  for file in "${files[@]}"; do args+=(-f "$file"); done
  # Server-side apply: no last-applied annotation (the Strimzi Kafka CRD is ~330 kB, past the 256 kB
  # annotation limit of client-side apply); --force-conflicts so a re-install takes the fields over.
  out="$("$kubectl" apply --server-side --force-conflicts --field-manager=streamforge-crds -o name "${args[@]}")"
  mapfile -t names <<<"$out"
  "$kubectl" wait --for condition=established --timeout=60s "${names[@]}" >/dev/null
  log "${#names[@]} CRDs installed and established in $(($(date +%s) - t0)) s"
  printf '%s\n' "${names[@]#*/}"
}

case "$cmd" in
  install) do_install ;;
  files) do_files ;;
  *) usage ;;
esac
