# Values derived once from the inputs and shared by several files.

locals {
  # A zone is a region plus "-<letter>"; the location decides zonal or regional (README.md).
  region        = regex("^[a-z]+-[a-z]+[0-9]+", var.location)
  location_type = var.location == local.region ? "regional" : "zonal"

  workload_pool = "${var.project_id}.svc.id.goog"

  pods_range_name     = "${var.name}-pods"
  services_range_name = "${var.name}-services"

  # Kubernetes ServiceAccounts of the functions, each bound to its own Google service account through
  # Workload Identity. Kafka, ArangoDB and MinIO are in the cluster, so only model-registry holds a
  # grant (the models bucket, iam.tf); the others exist so that a grant later is one IAM binding and
  # nothing ever falls back to the node's service account.
  workloads = {
    orchestrator     = "Workflow API and orchestrator"
    loader           = "Binance loaders"
    persister        = "Persister (arango-connector)"
    "model-registry" = "Model trainers and the model registry"
  }

  # Pods that must not be preempted (brokers, database, object store) are pinned to the on-demand pool
  # by GKE's own node-pool label; everything else may land on Spot workers and is restarted if evicted.
  system_node_selector = { "cloud.google.com/gke-nodepool" = google_container_node_pool.system.name }

  namespaces = {
    app              = var.app_namespace
    kafka            = "kafka"
    keda             = "keda"
    knative_operator = "knative-operator"
    knative_serving  = "knative-serving"
    knative_eventing = "knative-eventing"
    arangodb         = "arangodb"
    minio            = "minio"
  }

  kafka_cluster_name = var.name
  # Strimzi names the bootstrap Service <cluster>-kafka-bootstrap; 9092 is the plain listener (helm.tf).
  kafka_bootstrap = "${local.kafka_cluster_name}-kafka-bootstrap.${local.namespaces.kafka}.svc.cluster.local:9092"
  # With fewer than three brokers every topic must still be creatable, so replication shrinks with them.
  kafka_replication_factor = min(3, var.kafka.replicas)
  kafka_min_insync         = max(1, local.kafka_replication_factor - 1)

  arangodb_deployment_name = var.name
}
