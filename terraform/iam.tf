# Service accounts. The node account can write logs and metrics and pull images, nothing more; the
# functions get their own identities through Workload Identity.

resource "google_service_account" "nodes" {
  account_id   = "${var.name}-nodes"
  display_name = "StreamForge GKE nodes"

  depends_on = [google_project_service.this]
}

# The minimum GKE documents for a node service account (logs, metrics, resource metadata).
resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ])

  project = var.project_id
  role    = each.value
  member  = google_service_account.nodes.member
}

# One Google service account per function identity (locals.tf lists them), model-registry included:
# it has no ServiceAccount in cluster/ yet, but the models bucket's grant is already its own.
resource "google_service_account" "workload" {
  for_each = local.workloads

  account_id   = "${var.name}-${each.key}"
  display_name = "StreamForge ${each.value}"

  depends_on = [google_project_service.this]
}

# Lets the Kubernetes ServiceAccount streamforge/<name> act as the Google service account of the same
# name. The binding names the ServiceAccount, it does not need it to exist: cluster/ creates it later,
# and the annotation on it (the workload_identity_annotations output) completes the link. The
# workload pool only exists once a cluster with Workload Identity does, hence depends_on.
resource "google_service_account_iam_member" "workload_identity" {
  for_each = local.workloads

  service_account_id = google_service_account.workload[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${local.app_namespace}/${each.key}]"

  depends_on = [google_container_cluster.main]
}

# The model registry keeps a durable copy of every trained model outside the cluster: MinIO's volumes
# go with the cluster, this bucket does not. Access is granted on the bucket, not the project.
resource "google_storage_bucket" "models" {
  name     = "${var.project_id}-${var.name}-models"
  location = local.region

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # A model overwritten by a bad training run can be restored.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 5
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_iam_member" "model_registry" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectUser"
  member = google_service_account.workload["model-registry"].member
}
