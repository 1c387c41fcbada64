# Values derived once from the inputs and shared by several files.

locals {
  # A zone is a region plus "-<letter>"; the location decides zonal or regional (README.md).
  region        = regex("^[a-z]+-[a-z]+[0-9]+", var.location)
  location_type = var.location == local.region ? "regional" : "zonal"

  workload_pool = "${var.project_id}.svc.id.goog"

  pods_range_name     = "${var.name}-pods"
  services_range_name = "${var.name}-services"

  # The application's namespace. cluster/00-namespace.yaml creates it (with its pod-security labels),
  # and every generated manifest names it, so it is a constant here, not an input: the Workload
  # Identity bindings below must name the namespace the ServiceAccounts really live in.
  app_namespace = "streamforge"

  # One Google service account per function identity, each bound through Workload Identity to the
  # Kubernetes ServiceAccount <app_namespace>/<key>. Kafka, ArangoDB and MinIO are in the cluster, so
  # only model-registry holds a grant (the models bucket, iam.tf); the others exist so that a grant
  # later is one IAM binding and nothing ever falls back to the node's service account.
  workloads = {
    orchestrator     = "Workflow API and orchestrator"
    loader           = "Binance loaders"
    "loader-ws"      = "Binance live streams"
    persister        = "Persister (arango-connector)"
    "graph-builder"  = "Symbol graph builder"
    "gnn-trainer"    = "GNN trainer"
    "rl-agent"       = "PPO trading agent trainer"
    "rl-agent-live"  = "Live PPO trading agent"
    backtester       = "Walk-forward backtester"
    visualizer       = "Live market page"
    "model-registry" = "Model trainers and the model registry"
  }

  # The Kubernetes ServiceAccounts cluster/10-service-accounts.yaml creates. Terraform does not create
  # them; the workload_identity_annotations output annotates these after `kubectl apply -k cluster/`.
  # model-registry is not among them: its Google account and binding wait for the model registry's
  # ServiceAccount (README.md).
  cluster_service_accounts = ["orchestrator", "loader", "loader-ws", "persister", "graph-builder", "gnn-trainer", "rl-agent", "rl-agent-live", "backtester", "visualizer"]

  # Pods that must not be preempted are pinned to the on-demand pool by GKE's own node-pool label;
  # everything else may land on Spot workers and is restarted if evicted.
  system_node_selector = { "cloud.google.com/gke-nodepool" = google_container_node_pool.system.name }

  # Namespaces Terraform creates: the operators', Knative's and MinIO's. Not the application's (above).
  namespaces = {
    strimzi          = "strimzi"
    keda             = "keda"
    knative_operator = "knative-operator"
    knative_serving  = "knative-serving"
    knative_eventing = "knative-eventing"
    minio            = "minio"
  }

  # The model registry's MinIO user (kubernetes.tf, helm.tf).
  minio_registry_user = "streamforge-registry"
}
