# What the next steps need: kubectl access, where to push images, and the in-cluster addresses the
# function manifests configure (KAFKA_BROKERS, ARANGO_URL, IMAGE_REGISTRY).

output "cluster_name" {
  description = "GKE cluster name."
  value       = google_container_cluster.main.name
}

output "cluster_location" {
  description = "Zone or region of the cluster."
  value       = google_container_cluster.main.location
}

output "cluster_location_type" {
  description = "zonal or regional, derived from var.location."
  value       = local.location_type
}

output "cluster_endpoint" {
  description = "Control-plane endpoint (IP address)."
  value       = google_container_cluster.main.endpoint
  sensitive   = true
}

output "get_credentials_command" {
  description = "Writes a kubeconfig entry for the cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.main.name} --location ${google_container_cluster.main.location} --project ${var.project_id}"
}

output "artifact_registry_repository" {
  description = "Artifact Registry repository resource ID."
  value       = google_artifact_registry_repository.functions.id
}

output "artifact_registry_url" {
  description = "Repository URL (<registry host>/<project>/<repository>), the target of docker push."
  value       = google_artifact_registry_repository.functions.registry_uri
}

output "image_registry" {
  description = "Value for IMAGE_REGISTRY: images are pushed and pulled as <image_registry>/<function>:<tag>."
  value       = google_artifact_registry_repository.functions.registry_uri
}

output "docker_auth_command" {
  description = "Lets docker push to the repository with the caller's gcloud credentials."
  value       = "gcloud auth configure-docker ${split("/", google_artifact_registry_repository.functions.registry_uri)[0]}"
}

output "node_service_account" {
  description = "Email of the nodes' Google service account."
  value       = google_service_account.nodes.email
}

output "workload_identity_service_accounts" {
  description = "Kubernetes ServiceAccount (in app_namespace) => Google service account it acts as."
  value       = { for name, account in google_service_account.workload : name => account.email }
}

output "app_namespace" {
  description = "Namespace of the functions and their ServiceAccounts."
  value       = kubernetes_namespace_v1.this["app"].metadata[0].name
}

output "models_bucket" {
  description = "GCS bucket the model-registry identity may write models to."
  value       = google_storage_bucket.models.name
}

output "kafka_bootstrap_servers" {
  description = "Kafka bootstrap address inside the cluster (value for KAFKA_BROKERS)."
  value       = local.kafka_bootstrap
}

output "arangodb_url" {
  description = "ArangoDB inside the cluster (value for ARANGO_URL); the root password is in Secret <name>-root-password of the arangodb namespace."
  value       = "${var.arangodb.tls ? "https" : "http"}://${local.arangodb_deployment_name}.${local.namespaces.arangodb}.svc.cluster.local:8529"
}

output "minio_endpoint" {
  description = "MinIO's S3 endpoint inside the cluster; root credentials in Secret minio-root of the minio namespace."
  value       = "http://${helm_release.minio.name}.${local.namespaces.minio}.svc.cluster.local:9000"
}
