# The platform the functions run on, as Helm releases: five operators from their projects' own charts,
# then one small local chart (charts/platform) with Knative's own resources.
#
# The split with cluster/ (generated from the function registry): Terraform installs the operators,
# Knative's KnativeServing/KnativeEventing and MinIO; cluster/ holds the application's resources,
# among them the Strimzi Kafka + KafkaNodePool, KafkaTopics, KafkaUsers and the ArangoDeployment, all
# in the namespace streamforge that cluster/ itself creates. So the operators below must reconcile
# resources in a namespace that does not exist yet when they are installed, and nothing here creates
# a resource that cluster/ also creates.
#
# Why a local chart and not kubernetes_manifest for KnativeServing and KnativeEventing:
# kubernetes_manifest reads the CRD's schema at plan time, so it cannot plan against a cluster that
# does not exist yet, nor a CRD that an operator chart installs in the same apply; every fresh
# environment would need a second, targeted apply. Helm resolves kinds only at install time, after
# depends_on has installed the operator and its CRDs, so one `terraform apply` builds everything.
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
  namespace   = kubernetes_namespace_v1.this["strimzi"].metadata[0].name
  repository  = local.chart_repositories.strimzi
  chart       = "strimzi-kafka-operator"
  version     = var.strimzi_chart_version
  max_history = local.helm_max_history

  values = [yamlencode({
    # cluster/50-kafka.yaml puts the Kafka cluster in namespace streamforge. watchNamespaces =
    # ["streamforge"] would be least privilege, but the chart then creates RoleBindings inside that
    # namespace at install time and the operator watches it from the start, while the namespace only
    # appears with `kubectl apply -k cluster/` - which itself needs the Kafka CRDs this release
    # installs. Terraform would have to create the namespace (cluster/ owns it) or the apply would
    # fail. watchAnyNamespace binds the operator cluster-wide (ClusterRoleBindings, STRIMZI_NAMESPACE
    # "*"), so one `terraform apply` followed by `kubectl apply -k cluster/` works.
    watchAnyNamespace = true
    # streamforge enforces the restricted Pod Security Standard (cluster/00-namespace.yaml). Strimzi's
    # default provider is baseline, which leaves runAsNonRoot, seccomp and dropped capabilities unset,
    # so admission would refuse the Kafka pods; the restricted provider sets them on every pod it makes.
    extraEnvs = [{ name = "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value = "restricted" }]
  })]
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

# kube-arangodb runs in the namespace of the ArangoDeployment it manages. The chart has no setting to
# watch other namespaces or the whole cluster: operator.scope only chooses the RBAC ("legacy": a few
# cluster-wide reads - CRDs, nodes, namespaces, persistent volumes - plus a Role in its own namespace;
# "namespaced": that Role only), and the operator's informers are bound to its own namespace
# (MY_POD_NAMESPACE). Its documentation's way to serve several namespaces is one release per namespace.
# So the release goes into streamforge, where cluster/60-arangodb.yaml puts the ArangoDeployment.
#
# create_namespace: on a fresh cluster that namespace does not exist yet, and cluster/ cannot come
# first because the ArangoDeployment needs the CRDs this chart installs. Helm creates the bare
# namespace if it is missing; it is neither in Terraform's state nor in the Helm release, so neither
# ever changes or deletes it, and `kubectl apply -k cluster/` then takes it over and adds its
# pod-security labels. The operator's pod already satisfies the restricted standard (non-root,
# RuntimeDefault seccomp, no privilege escalation, all capabilities dropped).
resource "helm_release" "kube_arangodb" {
  name             = "kube-arangodb"
  namespace        = local.app_namespace
  create_namespace = true
  repository       = local.chart_repositories.arangodb
  chart            = "kube-arangodb"
  version          = var.kube_arangodb_chart_version
  max_history      = local.helm_max_history

  values = [yamlencode({
    operator = {
      # The chart's default, stated: "namespaced" would drop the cluster-wide reads above, which the
      # deployment operator's inspector reads (nodes, persistent volumes); they do not widen what it manages.
      scope = "legacy"
      # Local storage and backups would be extra controllers to run.
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
    policies = [{
      name = "models-readwrite"
      statements = [
        { resources = ["arn:aws:s3:::models"], actions = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"] },
        { resources = ["arn:aws:s3:::models/*"], actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"] },
      ]
    }]
    users = [{
      accessKey         = local.minio_registry_user
      existingSecret    = kubernetes_secret_v1.minio_registry_user.metadata[0].name
      existingSecretKey = "secretKey"
      policy            = "models-readwrite"
    }]
  })]
}

# Knative's own resources (charts/platform). The release lives in the operator's namespace; the
# resources name their own (knative-serving, knative-eventing).
resource "helm_release" "platform" {
  name        = "streamforge-platform"
  namespace   = kubernetes_namespace_v1.this["knative_operator"].metadata[0].name
  chart       = "${path.module}/charts/platform"
  max_history = local.helm_max_history

  values = [yamlencode({
    knative = {
      servingNamespace  = kubernetes_namespace_v1.this["knative_serving"].metadata[0].name
      eventingNamespace = kubernetes_namespace_v1.this["knative_eventing"].metadata[0].name
      domain            = var.knative_domain
      kafkaSource       = true
    }
  })]

  # The operator must be running, and its CRDs registered, before these resources can be created;
  # on destroy the order reverses, so the operator removes Serving and Eventing before it goes.
  depends_on = [helm_release.knative_operator]
}
