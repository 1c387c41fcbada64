# The platform the functions run on, as Helm releases: five operators from their projects' own charts,
# then one small local chart (charts/platform) with the resources those operators reconcile.
#
# Why a local chart and not kubernetes_manifest for the custom resources (KnativeServing,
# KnativeEventing, Kafka, KafkaNodePool, ArangoDeployment): kubernetes_manifest reads the CRD's schema
# at plan time, so it cannot plan against a cluster that does not exist yet, nor a CRD that an operator
# chart installs in the same apply; every fresh environment would need a second, targeted apply. Helm
# resolves kinds only at install time, after depends_on has installed the operators and their CRDs,
# so one `terraform apply` builds everything.
#
# Knative is installed the way its documentation describes for the Operator: the knative-operator
# chart, then KnativeServing and KnativeEventing resources. The Kafka source (KafkaSource from
# eventing-kafka-broker) is a field of KnativeEventing (spec.source.kafka.enabled), not a chart of
# its own, so the operator version pins Serving, Eventing and KafkaSource together.

locals {
  chart_repositories = {
    # The repository Strimzi's deployment guide names; the same chart is also published as an OCI artifact.
    strimzi  = "https://strimzi.io/charts/"
    keda     = "https://kedacore.github.io/charts"
    knative  = "https://knative.github.io/operator"
    arangodb = "https://arangodb.github.io/kube-arangodb"
    minio    = "https://charts.min.io/"
  }

  # Helm keeps one Secret per revision; ten is enough to roll back and keeps the namespace tidy.
  helm_max_history = 10
}

resource "helm_release" "strimzi" {
  name        = "strimzi"
  namespace   = kubernetes_namespace_v1.this["kafka"].metadata[0].name
  repository  = local.chart_repositories.strimzi
  chart       = "strimzi-kafka-operator"
  version     = var.strimzi_chart_version
  max_history = local.helm_max_history

  # The operator watches its own namespace, where charts/platform puts the Kafka cluster.
  values = [yamlencode({ watchAnyNamespace = false })]
}

resource "helm_release" "keda" {
  name        = "keda"
  namespace   = kubernetes_namespace_v1.this["keda"].metadata[0].name
  repository  = local.chart_repositories.keda
  chart       = "keda"
  version     = var.keda_chart_version
  max_history = local.helm_max_history
}

resource "helm_release" "knative_operator" {
  name        = "knative-operator"
  namespace   = kubernetes_namespace_v1.this["knative_operator"].metadata[0].name
  repository  = local.chart_repositories.knative
  chart       = "knative-operator"
  version     = var.knative_operator_chart_version
  max_history = local.helm_max_history
}

resource "helm_release" "kube_arangodb" {
  name        = "kube-arangodb"
  namespace   = kubernetes_namespace_v1.this["arangodb"].metadata[0].name
  repository  = local.chart_repositories.arangodb
  chart       = "kube-arangodb"
  version     = var.kube_arangodb_chart_version
  max_history = local.helm_max_history

  # Only the deployment operator is used; local storage and backups would be extra controllers to run.
  values = [yamlencode({
    operator = {
      features = { deployment = true, storage = false, backup = false }
    }
  })]
}

resource "helm_release" "minio" {
  name        = "minio"
  namespace   = kubernetes_namespace_v1.this["minio"].metadata[0].name
  repository  = local.chart_repositories.minio
  chart       = "minio"
  version     = var.minio_chart_version
  max_history = local.helm_max_history

  values = [yamlencode({
    # One server: the models are also copied to the versioned GCS bucket (iam.tf), so MinIO is the
    # fast in-cluster S3 endpoint, not the only copy. The chart defaults to 16 distributed servers.
    mode           = "standalone"
    existingSecret = kubernetes_secret_v1.minio_root.metadata[0].name
    persistence    = { size = var.minio_storage_size }
    # The chart asks for 16Gi of memory by default, more than a system node has.
    resources    = { requests = { memory = "1Gi" } }
    nodeSelector = local.system_node_selector
    buckets      = [{ name = "models", policy = "none", purge = false, versioning = true }]
  })]
}

resource "helm_release" "platform" {
  name        = "streamforge-platform"
  namespace   = kubernetes_namespace_v1.this["app"].metadata[0].name
  chart       = "${path.module}/charts/platform"
  max_history = local.helm_max_history

  values = [yamlencode({
    nodeSelector = local.system_node_selector
    knative = {
      servingNamespace  = kubernetes_namespace_v1.this["knative_serving"].metadata[0].name
      eventingNamespace = kubernetes_namespace_v1.this["knative_eventing"].metadata[0].name
      domain            = var.knative_domain
      kafkaSource       = true
    }
    kafka = {
      name              = local.kafka_cluster_name
      namespace         = kubernetes_namespace_v1.this["kafka"].metadata[0].name
      replicas          = var.kafka.replicas
      storageSize       = var.kafka.storage_size
      replicationFactor = local.kafka_replication_factor
      minInsyncReplicas = local.kafka_min_insync
    }
    arangodb = {
      name        = local.arangodb_deployment_name
      namespace   = kubernetes_namespace_v1.this["arangodb"].metadata[0].name
      image       = var.arangodb.image
      storageSize = var.arangodb.storage_size
      tls         = var.arangodb.tls
    }
  })]

  # The operators must be running, and their CRDs registered, before these resources can be created;
  # on destroy the order reverses, so the operators clean up what they made before they go.
  depends_on = [
    helm_release.strimzi,
    helm_release.knative_operator,
    helm_release.kube_arangodb,
  ]
}
