# What the next steps need: kubectl access, where to push images, the commands that link the functions'
# ServiceAccounts (created by cluster/) to their Google service accounts, and MinIO's address. Kafka's
# and ArangoDB's addresses are not here: cluster/ defines those resources and its ConfigMap
# (cluster/40-config.yaml) already carries KAFKA_BROKERS and ARANGO_URL.

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
  description = "Function identity => Google service account it acts as, through the Kubernetes ServiceAccount of that name in namespace streamforge (model-registry: reserved, no ServiceAccount in cluster/ yet)."
  value       = { for name, account in google_service_account.workload : name => account.email }
}

output "workload_identity_annotations" {
  description = "Run after `kubectl apply -k cluster/`: annotates each ServiceAccount cluster/ creates with the Google service account it acts as (Workload Identity)."
  value = [
    for ksa in local.cluster_service_accounts :
    "kubectl annotate serviceaccount --namespace ${local.app_namespace} ${ksa} iam.gke.io/gcp-service-account=${google_service_account.workload[ksa].email} --overwrite"
  ]
}

output "app_namespace" {
  description = "Namespace of the functions and their ServiceAccounts; created by cluster/, not by Terraform."
  value       = local.app_namespace
}

output "models_bucket" {
  description = "GCS bucket the model-registry identity may write models to."
  value       = google_storage_bucket.models.name
}

output "minio_endpoint" {
  description = "MinIO's S3 endpoint inside the cluster (standalone server in namespace minio); root credentials in Secret minio-root of that namespace."
  value       = "http://${helm_release.minio.name}.${local.namespaces.minio}.svc:9000"
}

output "minio_registry_access_key" {
  description = "Access key of the model registry's MinIO user (read and write on the models bucket only): AWS_ACCESS_KEY_ID in Secret streamforge-s3."
  value       = local.minio_registry_user
}

output "minio_registry_secret_key" {
  description = "Secret key of the model registry's MinIO user: AWS_SECRET_ACCESS_KEY in Secret streamforge-s3 (terraform output -raw minio_registry_secret_key)."
  value       = random_password.minio_registry.result
  sensitive   = true
}
